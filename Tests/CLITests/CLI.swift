import Foundation

/// Runs the real `ffbench` binary built beside the test bundle.
enum CLI {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: String {
        var candidates: [String] = []
        if let exe = Bundle.main.executableURL {
            var dir = exe.deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(dir.appendingPathComponent("ffbench").path)
                dir = dir.deletingLastPathComponent()
            }
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/ffbench").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }

    static var dataRoot: String {
        if let env = ProcessInfo.processInfo.environment["FFBENCH_DATA"], !env.isEmpty {
            return URL(fileURLWithPath: env).standardizedFileURL.path // absolute: tests make symlinks to it
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/datasets").path
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// - Parameter timeout: seconds before the process is killed (its status is then 137).
    /// - Parameter executable: another program than ffbench (a Python, say).
    static func run(_ args: [String], environment: [String: String] = [:], directory: String? = nil,
                    timeout: Double? = nil, executable: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable ?? binary)
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["FFBENCH_DATA"] = dataRoot
        for (k, v) in environment { env[k] = v }
        p.environment = env
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        if let timeout {
            let pid = p.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { kill(pid, SIGKILL) }
        }
        // Drain both pipes concurrently so a chatty child cannot block.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    static func temporaryDirectory(_ label: String = #function) -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("ffbench-cli-\(label.filter(\.isLetter))-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// Python's http.server on 127.0.0.1 with an ephemeral port, serving a
/// folder of fixture files; stopped when the value goes away.
final class LocalHTTPServer {
    let process = Process()
    let port: Int

    init(serving directory: String) throws {
        // The server picks a free port and writes it to a file we poll: no
        // port races, no dependence on how the child buffers its output.
        let portFile = directory + "/.port"
        let script = """
        import functools, http.server, os, sys
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
        handler.log_message = lambda *a: None
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        with open(sys.argv[2] + ".tmp", "w") as f: f.write(str(server.server_address[1]))
        os.rename(sys.argv[2] + ".tmp", sys.argv[2])
        server.serve_forever()
        """
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, directory, portFile]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var port: Int?
        for _ in 0..<500 where port == nil {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) }
            if port == nil { usleep(20_000) }
        }
        guard let port else {
            process.terminate()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "test HTTP server did not start"])
        }
        self.port = port
    }

    var url: String { "http://127.0.0.1:\(port)/" }

    deinit {
        // SIGKILL: a child spawned from a test thread inherits its blocked
        // signal mask, so SIGTERM may never arrive.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
