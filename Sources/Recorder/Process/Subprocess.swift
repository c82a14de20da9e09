import Foundation

/// A child process started with posix_spawn (its fields never change after
/// start, so it may be shared across threads), with a clean signal state
/// (nothing blocked, SIGINT/SIGTERM/SIGPIPE at their defaults) whatever
/// thread starts it, and optionally its stdout on a pipe.
public final class Subprocess: @unchecked Sendable {
    public let pid: pid_t
    /// Read end of the child's stdout, when captured.
    public let output: FileHandle?

    public enum Failure: Error, CustomStringConvertible {
        case spawn(String, Int32)
        public var description: String {
            switch self {
            case .spawn(let cmd, let err): "cannot start '\(cmd)': \(String(cString: strerror(err)))"
            }
        }
    }

    /// - Parameter ownGroup: start the child in a process group of its own
    ///   and have the kernel kill it if this process dies (setpriv's
    ///   parent-death signal): a recorded command never outlives its
    ///   recorder, even after kill -9; `signalGroup` reaches its children too.
    public init(_ arguments: [String], captureOutput: Bool, environment: [String: String]? = nil, ownGroup: Bool = false,
                errorsToOutput: Bool = false, discardErrors: Bool = false) throws {
        guard !arguments.isEmpty else { throw Failure.spawn("(no command)", EINVAL) }
        var arguments = arguments
        if ownGroup, let setpriv = Self.setpriv { arguments = [setpriv, "--pdeathsig", "KILL", "--"] + arguments }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGINT, SIGTERM, SIGPIPE] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if ownGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var fds: [Int32] = [-1, -1]
        if captureOutput {
            guard pipe(&fds) == 0 else { throw Failure.spawn(arguments[0], errno) }
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
            if errorsToOutput { posix_spawn_file_actions_adddup2(&actions, fds[1], 2) }
            posix_spawn_file_actions_addclose(&actions, fds[0])
            posix_spawn_file_actions_addclose(&actions, fds[1])
        }

        if discardErrors { posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0) }
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { env.forEach { free($0) } }
        var child = pid_t()
        let status = posix_spawnp(&child, arguments[0], &actions, &attributes, argv, env)
        if captureOutput { close(fds[1]) }
        guard status == 0 else {
            if captureOutput { close(fds[0]) }
            throw Failure.spawn(arguments[0], status)
        }
        pid = child
        grouped = ownGroup
        output = captureOutput ? FileHandle(fileDescriptor: fds[0], closeOnDealloc: true) : nil
    }

    private let grouped: Bool

    /// util-linux's setpriv, which sets the parent-death signal and then execs the command.
    static let setpriv: String? = ["/usr/bin/setpriv", "/bin/setpriv"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Signals the child, and its whole process group when it has one.
    public func signalGroup(_ sig: Int32) { kill(grouped ? -pid : pid, sig) }

    /// Waits for the child; returns its exit status, or 128 + signal.
    public func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        if signal != 0 { return 128 + signal }
        return (status >> 8) & 0xff
    }

    public func signal(_ sig: Int32) { kill(pid, sig) }

    /// The path of the running executable (to start ffbench children).
    public static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

/// Reads lines from a file handle (a child's stdout) until end of file.
/// Linear in what it reads, however long a line is: a chunk is searched
/// for a newline once, never the whole buffer again.
public struct LineReader {
    let handle: FileHandle
    var buffer = [UInt8]()
    /// Where the next line starts, and how far the buffer has been searched.
    var start = 0, searched = 0

    public init(_ handle: FileHandle) { self.handle = handle }

    public mutating func next() -> String? {
        while true {
            if let newline = buffer[searched...].firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[start..<newline], as: UTF8.self)
                start = newline + 1
                searched = start
                // Drop consumed bytes now and then, not on every line.
                if start > 1 << 16 && start > buffer.count / 2 {
                    buffer.removeFirst(start)
                    searched -= start
                    start = 0
                }
                return line
            }
            searched = buffer.count
            let chunk = handle.availableData
            if chunk.isEmpty {
                guard start < buffer.count else { return nil }
                defer { buffer.removeAll(); start = 0; searched = 0 }
                return String(decoding: buffer[start...], as: UTF8.self)
            }
            buffer.append(contentsOf: chunk)
        }
    }
}
