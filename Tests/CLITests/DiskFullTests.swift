import Foundation
import RunStore
import Testing

/// A full disk never yields a "completed" run or a half-written file: on a
/// real 1 MiB tmpfs, train, study and record end with exit 1 and "disk
/// full", the stored run is failed (or interrupted, if not even that could
/// be written), and a merge leaves no output. Needs root to mount tmpfs.
@Suite(.serialized, .enabled(if: TmpfsMount.allowed, "mounting a tmpfs needs root (the test says so rather than pass)"))
struct DiskFullTests {
    static func run(_ tool: String, _ args: [String]) -> Int32 { TmpfsMount.run(tool, args) }


    /// A fresh 1 MiB tmpfs for `body`, all but `free` bytes of it taken by a
    /// filler file (room to create a database, not to record a run), unmounted after.
    static func withFullDisk(free: Int = 200_000, _ body: (String) throws -> Void) throws {
        let dir = CLI.temporaryDirectory("full")
        #expect(run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir]) == 0)
        defer { _ = run("/bin/umount", ["-l", dir]) }
        FileManager.default.createFile(atPath: dir + "/filler", contents: Data(count: 1_048_576 - free))
        try body(dir)
    }

    /// The run's stored status, read from a copy on a disk with room (opening marks a dead run interrupted).
    static func storedStatus(_ db: String) throws -> [RunStatus] {
        let copy = CLI.temporaryDirectory("copy") + "/copy.sqlite"
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: db + suffix) {
            try FileManager.default.copyItem(atPath: db + suffix, toPath: copy + suffix)
        }
        return try RunStore.open(copy).runs().map(\.status)
    }

    @Test func trainOnAFullDiskIsNeverCompleted() throws {
        for algorithm in ["bp", "ff"] {
            try Self.withFullDisk { dir in
                let db = dir + "/f.sqlite"
                let r = try CLI.run(["train", "--algorithm", algorithm, "--layers", "2x64", "--epochs", "2", "--batch-size", "200",
                                     "--threads", "1", "--db", db])
                #expect(r.status == 1, "\(algorithm): \(r.stderr)")
                #expect(r.stderr.contains("disk full"), "\(r.stderr)")
                let statuses = try Self.storedStatus(db)
                #expect(statuses.count == 1 && [.failed, .interrupted].contains(statuses[0]), "\(algorithm): \(statuses)")
            }
        }
    }

    @Test func recordAndStudyOnAFullDiskAreNeverCompleted() throws {
        try Self.withFullDisk { dir in
            let db = dir + "/r.sqlite"
            let r = try CLI.run(["record", "--db", db, "--sample-interval", "2ms", "--", "python3", "-c",
                                 "import json,time\nfor e in range(1, 400):\n    print(json.dumps({'epoch': e, 'test_error': 0.1, 'train_seconds': 0.01}), flush=True); time.sleep(0.01)"])
            #expect(r.status == 1 && r.stderr.contains("disk full"), "\(r.status) \(r.stderr)")
            let statuses = try Self.storedStatus(db)
            #expect(statuses.count == 1 && statuses[0] != .completed, "\(statuses)")
        }
        try Self.withFullDisk { dir in
            let spec = CLI.temporaryDirectory("spec") + "/full.yaml"
            try "study: full\ndataset: mnist\nepochs: 2\nseeds: [1]\noptions: {layers: 2x64, batch-size: 200, threads: 1}\narms: {bp: {algorithm: bp}}\n"
                .write(toFile: spec, atomically: true, encoding: .utf8)
            let r = try CLI.run(["study", spec, "--db", dir + "/s.sqlite", "--out", dir + "/report", "--format", "html"])
            #expect(r.status == 1, "\(r.stderr)")
            #expect(!(try Self.storedStatus(dir + "/s.sqlite")).contains(.completed))
        }
    }

    @Test func aMergeThatRunsOutOfDiskLeavesNoOutput() throws {
        let source = try AnalysisCommandTests.store()
        try Self.withFullDisk(free: 100_000) { dir in
            let r = try CLI.run(["merge", source, "-o", dir + "/m.sqlite"])
            #expect(r.status == 1 && r.stderr.contains("disk full"), "\(r.status) \(r.stderr)")
            let left = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0 != "filler" }
            #expect(left.isEmpty, "left behind: \(left)")
        }
    }
}

/// Whether this process may mount a tmpfs (root, and a kernel that lets it).
enum TmpfsMount {
    static let allowed: Bool = {
        guard getuid() == 0 else { return false }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ffbench-mount-probe-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        guard (try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)) != nil,
              run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir]) == 0 else { return false }
        _ = run("/bin/umount", [dir])
        return true
    }()

    static func run(_ tool: String, _ args: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }
}
