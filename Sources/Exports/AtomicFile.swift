import Foundation

/// Files and folders written so that a reader, a crash or a full disk
/// only ever sees the old complete version or the new complete one: the
/// new content goes to a temporary name in the same folder, is flushed,
/// and is renamed into place (one atomic step on the same file system).
public enum AtomicFile {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func write(_ text: String, to path: String) throws(Failure) {
        try write(Data(text.utf8), to: path)
    }

    public static func write(_ data: Data, to path: String) throws(Failure) {
        let temporary = temporaryName(for: path)
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
            throw Failure(description: "\(path): cannot write (\(reason(errno)))")
        }
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch {
            unlink(temporary)
            throw Failure(description: "\(path): cannot write (\(describe(error)))")
        }
        try rename(temporary, to: path)
    }

    /// Renames `temporary` over `path`, removing `temporary` on failure.
    public static func rename(_ temporary: String, to path: String) throws(Failure) {
        if Foundation.rename(temporary, path) != 0 {
            let e = errno
            unlink(temporary)
            throw Failure(description: "\(path): cannot write (\(reason(e)))")
        }
    }

    /// A name beside `path` that no other writer uses.
    public static func temporaryName(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString.prefix(8))").path
    }

    static func reason(_ code: Int32) -> String {
        code == ENOSPC ? "disk full" : String(cString: strerror(code))
    }

    /// The system's reason for a Foundation error, in words.
    public static func describe(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return reason(Int32(underlying.code))
        }
        if ns.domain == NSPOSIXErrorDomain { return reason(Int32(ns.code)) }
        switch ns.code {
        case NSFileWriteOutOfSpaceError: return "disk full"
        case NSFileWriteNoPermissionError, NSFileReadNoPermissionError: return "permission denied"
        case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return "no such file or folder"
        case NSFileWriteFileExistsError: return "a file of that name exists"
        default: return ns.localizedDescription
        }
    }
}

/// A folder replaced as a whole: build the new one under `staging`, then
/// `commit` swaps it with the old in one atomic exchange (renameat2), so
/// the path always holds one complete version.
public struct AtomicFolder {
    public let path: String
    public let staging: String

    public init(_ path: String) throws(AtomicFile.Failure) {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let parent = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw AtomicFile.Failure(description: "\(path): is a file, not a folder")
        }
        do { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) } catch {
            throw AtomicFile.Failure(description: "\(parent): cannot create the folder (\(AtomicFile.describe(error)))")
        }
        // Leftovers of a writer that was killed before it could clean up.
        if let names = try? FileManager.default.contentsOfDirectory(atPath: parent) {
            for n in names where n.hasPrefix(".\(url.lastPathComponent).staging-") {
                let pid = Int32(n.split(separator: "-").last.map(String.init) ?? "") ?? 0
                if pid > 0 && kill(pid, 0) != 0 { try? FileManager.default.removeItem(atPath: parent + "/" + n) }
            }
        }
        staging = parent + "/.\(url.lastPathComponent).staging-\(getpid())"
        try? FileManager.default.removeItem(atPath: staging)
        do { try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true) } catch {
            throw AtomicFile.Failure(description: "\(path): cannot write (\(AtomicFile.describe(error)))")
        }
    }

    /// Swaps the staged folder into place and removes the old one.
    public func commit() throws(AtomicFile.Failure) {
        if FileManager.default.fileExists(atPath: path) {
            guard Self.exchange(staging, path) == 0 else {
                let e = errno
                discard()
                throw AtomicFile.Failure(description: "\(path): cannot replace the folder (\(AtomicFile.reason(e)))")
            }
            try? FileManager.default.removeItem(atPath: staging) // now the old version
        } else {
            try AtomicFile.rename(staging, to: path)
        }
    }

    public func discard() { try? FileManager.default.removeItem(atPath: staging) }

    typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    /// renameat2(…, RENAME_EXCHANGE): glibc has it, Swift's Glibc module does not show it.
    static func exchange(_ a: String, _ b: String) -> Int32 {
        guard let symbol = dlsym(nil, "renameat2") else { errno = ENOSYS; return -1 }
        let call = unsafeBitCast(symbol, to: RenameAt2.self)
        return call(AT_FDCWD, a, AT_FDCWD, b, 2 /* RENAME_EXCHANGE */)
    }
}
