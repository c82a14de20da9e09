import Foundation

/// Problems with a run database, one line each, naming the file.
public enum RunStoreError: Error, CustomStringConvertible, Equatable {
    case notSQLite(path: String)
    case readOnly(path: String)
    case readOnlyFolder(path: String)
    case newerSchema(path: String, unknown: [String])
    case missing(path: String)
    case unknownRun(path: String, id: String)
    case database(path: String, message: String)
    /// The file's content is damaged (bad input, not a failing machine).
    case damaged(path: String, detail: String)
    /// A request that cannot be done as asked (e.g. merging a file into itself).
    case refused(path: String, message: String)

    public var description: String {
        switch self {
        case .notSQLite(let path): "\(path): not an SQLite database"
        case .readOnly(let path): "\(path): database file is read-only"
        case .readOnlyFolder(let path):
            "\(path): its folder \(Self.folder(of: path)) is read-only, and SQLite must write its journal files (-wal, -shm) there; move the database or make the folder writable"
        case .newerSchema(let path, let unknown):
            "\(path): written by a newer ffbench (schema migrations \(unknown.joined(separator: ", ")) unknown here); upgrade ffbench to use it"
        case .missing(let path): "\(path): no such database"
        case .unknownRun(let path, let id): "\(path): no run with id '\(id)'"
        case .database(let path, let message): "\(path): \(message)"
        case .damaged(let path, let detail): "\(path): the database is damaged (\(Self.oneLine(detail)))"
        case .refused(let path, let message): "\(path): \(message)"
        }
    }

    /// Bad input (the file) rather than a failure of the machine.
    public var isInputError: Bool {
        if case .database = self { return false }
        return true
    }

    static func folder(of path: String) -> String {
        let dir = (path as NSString).deletingLastPathComponent
        return dir.isEmpty ? "." : dir
    }

    /// SQLite's integrity report spans lines ("*** in database main ***", then one per problem): one line, the first problems.
    static func oneLine(_ detail: String) -> String {
        let lines = detail.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("***") }
        let shown = lines.prefix(3).joined(separator: "; ")
        return lines.count > 3 ? shown + "; and \(lines.count - 3) more" : shown
    }
}
