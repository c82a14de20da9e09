import Foundation

/// Where a data set's files were found, and by which rule.
public struct DataLocation: Sendable {
    public let directory: String
    /// Which rule found it: "--data-dir", "FFBENCH_DATA", "./Data", "system".
    public let source: String
    /// Actual path of each catalog file, in catalog order (raw or `.gz`).
    public let paths: [String]
}

/// Resolves a data set's folder in a fixed order: an explicit directory
/// (authoritative when given), then `FFBENCH_DATA`, then `./Data`, then the
/// operating system's copy (Fashion-MNIST from Debian's package).
/// A root may hold `<folder>/` or be the data set's folder itself.
public struct DataLocator: Sendable {
    public var explicitDirectory: String?
    public var environmentDirectory: String?
    public var workingDirectory: String
    public static let systemFashionMNIST = "/usr/share/datasets/fashion-mnist"

    public init(explicitDirectory: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                workingDirectory: String = FileManager.default.currentDirectoryPath) {
        self.explicitDirectory = explicitDirectory
        self.environmentDirectory = environment["FFBENCH_DATA"].flatMap { $0.isEmpty ? nil : $0 }
        self.workingDirectory = workingDirectory
    }

    /// Candidate folders, most preferred first, with the rule that names them.
    public func candidates(for info: DatasetInfo) -> [(directory: String, source: String)] {
        if let explicit = explicitDirectory {
            return [(join(explicit, info.folder), "--data-dir"), (explicit, "--data-dir")]
        }
        var list: [(String, String)] = []
        if let env = environmentDirectory {
            list.append((join(env, info.folder), "FFBENCH_DATA"))
        }
        list.append((join(join(workingDirectory, "Data"), info.folder), "./Data"))
        if info.id == .fashionMNIST { list.append((Self.systemFashionMNIST, "system")) }
        return list
    }

    /// The first candidate folder that holds every file of the data set.
    /// A folder holding only some of them is an error, not skipped: a user
    /// who put files there would not want another copy silently used.
    public func locate(_ info: DatasetInfo) throws(DatasetError) -> DataLocation {
        let fm = FileManager.default
        for (dir, source) in candidates(for: info) {
            let found = info.files.map { Self.existingPath(dir: dir, name: $0.name, fm: fm) }
            if found.allSatisfy({ $0 != nil }) {
                return DataLocation(directory: dir, source: source, paths: found.map { $0! })
            }
            if let missing = info.files.first(where: { Self.existingPath(dir: dir, name: $0.name, fm: fm) == nil }),
               found.contains(where: { $0 != nil }) {
                throw .missingFile(path: join(dir, missing.name) + "[.gz]")
            }
        }
        throw .notFound(dataset: info.id.rawValue, searched: candidates(for: info).map(\.directory), hint: info.hint)
    }

    private static func existingPath(dir: String, name: String, fm: FileManager) -> String? {
        for candidate in [join(dir, name), join(dir, name + ".gz")] where fm.fileExists(atPath: candidate) {
            return candidate
        }
        return nil
    }
}

func join(_ a: String, _ b: String) -> String {
    a.hasSuffix("/") ? a + b : a + "/" + b
}
