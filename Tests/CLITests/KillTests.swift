import Foundation
import Recorder
import RunStore
import Testing

/// kill -9 at the worst moments: a report folder is always one complete
/// report, and a recorded command never outlives its recorder.
@Suite(.serialized) struct KillTests {
    /// Every file under a folder, by relative path.
    static func contents(_ dir: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        guard let e = FileManager.default.enumerator(atPath: dir) else { return out }
        while let name = e.nextObject() as? String {
            var isDir: ObjCBool = false
            FileManager.default.fileExists(atPath: dir + "/" + name, isDirectory: &isDir)
            if !isDir.boolValue { out[name] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)) }
        }
        return out
    }

    @Test func aKilledReportLeavesTheOldCompleteReportOrTheNewOne() throws {
        // Two databases give two different complete reports.
        let oldDB = try AnalysisCommandTests.store()
        let newDB = try AnalysisCommandTests.store(arms: [("ff", "ff", 4.0, 0.02, Array(1...5)), ("bp", "bp", 3.0, 0.018, Array(1...5))])
        let scratch = CLI.temporaryDirectory("reference")
        for (db, name) in [(oldDB, "old"), (newDB, "new")] {
            let r = try CLI.run(["report", "--db", db, "--out", scratch + "/" + name], directory: CLI.packageRoot.path)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let old = try Self.contents(scratch + "/old"), new = try Self.contents(scratch + "/new")
        #expect(old != new && old.count > 20)
        let out = CLI.temporaryDirectory("killed") + "/report"
        try FileManager.default.copyItem(atPath: scratch + "/old", toPath: out)
        var rng = SystemRandomNumberGenerator()
        var outcomes: [String: Int] = [:]
        for _ in 0..<12 {
            let child = try Subprocess([CLI.binary, "report", "--db", newDB, "--out", out, "--templates", CLI.packageRoot.path + "/Templates"],
                                       captureOutput: true)
            usleep(UInt32.random(in: 20_000...1_500_000, using: &rng))
            kill(child.pid, SIGKILL)
            _ = child.wait()
            let now = try Self.contents(out)
            let which = now == old ? "old" : now == new ? "new" : "mixed"
            outcomes[which, default: 0] += 1
            #expect(which != "mixed", "the folder holds neither complete report: \(now.count) files")
            // Put the old report back for the next try, or keep the new one as the "old".
            if which == "new" {
                try FileManager.default.removeItem(atPath: out)
                try FileManager.default.copyItem(atPath: scratch + "/old", toPath: out)
            }
        }
        print("report kill -9 outcomes: \(outcomes)")
    }

    @Test func aRecordedCommandDiesWithItsRecorder() throws {
        let dir = CLI.temporaryDirectory()
        let pidFile = dir + "/child.pid"
        let script = "import os, time\nopen('\(pidFile)', 'w').write(str(os.getpid()))\ntime.sleep(60)\n"
        var env = ProcessInfo.processInfo.environment
        env["FFBENCH_DATA"] = CLI.dataRoot
        let recorder = try Subprocess([CLI.binary, "record", "--db", dir + "/r.sqlite", "--", "python3", "-c", script],
                                      captureOutput: true, environment: env)
        var pid: pid_t?
        for _ in 0..<200 where pid == nil {
            pid = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap { pid_t($0) }
            usleep(25_000)
        }
        let child = try #require(pid)
        #expect(kill(child, 0) == 0)
        kill(recorder.pid, SIGKILL)
        _ = recorder.wait()
        var gone = false
        for _ in 0..<100 where !gone {
            gone = kill(child, 0) != 0 && errno == ESRCH
            if !gone { usleep(20_000) }
        }
        if !gone { kill(child, SIGKILL) }
        #expect(gone, "the recorded command \(child) outlived its recorder")
        #expect(try RunStore.openExisting(dir + "/r.sqlite", writable: true).runs().first?.status == .interrupted)
    }
}
