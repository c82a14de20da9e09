import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Downloads a data set from a mirror, verifies it completely in a staging
/// folder next to the destination, and only then renames it into place, so
/// a failed or partial download leaves nothing behind.
public struct Fetcher: Sendable {
    /// Base URL the catalog's file names (or archive name) are appended to.
    public var mirror: String

    public init(mirror: String) {
        self.mirror = mirror.hasSuffix("/") ? mirror : mirror + "/"
    }

    /// Fetches `id` into `root/<folder>` and returns where it now is.
    public func fetch(_ id: DatasetID, into root: String,
                      progress: @Sendable (String) -> Void = { _ in }) async throws(DatasetError) -> DataLocation {
        let info = id.info
        let fm = FileManager.default
        do { try fm.createDirectory(atPath: root, withIntermediateDirectories: true) } catch {
            throw .writeFailed(path: root, reason: (error as NSError).localizedDescription)
        }
        let staging = join(root, ".ffbench-fetch-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        do { try fm.createDirectory(atPath: staging, withIntermediateDirectories: false) } catch {
            throw .writeFailed(path: staging, reason: (error as NSError).localizedDescription)
        }
        defer { try? fm.removeItem(atPath: staging) }

        if let archive = info.archive {
            let bytes = try await download(archive, progress: progress)
            // The archive holds the files and tar headers: never inflate past that.
            let tarBytes = try Gzip.inflate(bytes, path: mirror + archive, limit: info.files.reduce(1 << 20) { $0 + $1.byteCount + 4096 })
            let entries = try Tar.entries(tarBytes, path: mirror + archive)
            for file in info.files {
                guard let entry = entries.first(where: { $0.name.hasSuffix("/" + file.name) || $0.name == file.name }) else {
                    throw .download(url: mirror + archive, reason: "archive has no \(file.name)")
                }
                try write(Data(tarBytes[entry.range]), to: join(staging, file.name))
            }
        } else {
            for file in info.files {
                let bytes = try await download(file.name + ".gz", progress: progress)
                try write(bytes, to: join(staging, file.name + ".gz"))
            }
        }

        // Everything a load checks (structure, SHA-256, class counts), before
        // anything is moved where a later run could pick it up.
        progress("verifying")
        _ = try DatasetLoader(locator: DataLocator(explicitDirectory: staging, environment: [:])).verify(id)

        let destination = join(root, info.folder)
        try moveIntoPlace(staging: staging, destination: destination, info: info)
        return try DataLocator(explicitDirectory: root, environment: [:]).locate(info)
    }

    private func download(_ name: String, progress: @Sendable (String) -> Void) async throws(DatasetError) -> Data {
        let address = mirror + name
        guard let url = URL(string: address) else { throw .download(url: address, reason: "not a valid URL") }
        progress("downloading \(address)")
        do {
            let (data, response) = try await URLSession.shared.data(from: url)
            if let http = response as? HTTPURLResponse, http.statusCode != 200 {
                throw DatasetError.download(url: address, reason: "HTTP status \(http.statusCode)")
            }
            return data
        } catch let error as DatasetError {
            throw error
        } catch {
            throw .download(url: address, reason: (error as NSError).localizedDescription)
        }
    }

    private func write(_ data: Data, to path: String) throws(DatasetError) {
        do { try data.write(to: URL(fileURLWithPath: path)) } catch {
            throw .writeFailed(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    /// A new folder is one atomic rename; into an existing folder each file
    /// is renamed over its old copy (and a stale other variant, raw vs .gz,
    /// is removed so the verified file is the one that loads).
    private func moveIntoPlace(staging: String, destination: String, info: DatasetInfo) throws(DatasetError) {
        let fm = FileManager.default
        if rename(staging, destination) == 0 { return }
        guard errno == EEXIST || errno == ENOTEMPTY else {
            throw .writeFailed(path: destination, reason: String(cString: strerror(errno)))
        }
        let names = (try? fm.contentsOfDirectory(atPath: staging)) ?? []
        for name in names {
            let base = name.hasSuffix(".gz") ? String(name.dropLast(3)) : name
            for stale in [base, base + ".gz"] where stale != name {
                try? fm.removeItem(atPath: join(destination, stale))
            }
            guard rename(join(staging, name), join(destination, name)) == 0 else {
                throw .writeFailed(path: join(destination, name), reason: String(cString: strerror(errno)))
            }
        }
    }
}
