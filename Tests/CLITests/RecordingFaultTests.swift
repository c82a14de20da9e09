import Foundation
import Recorder
import RunStore
import Testing

/// Faults done for real to real processes: kill -9, SIGINT, SIGTERM,
/// concurrent writers, bad database files, a diverging run in a study.
@Suite(.serialized) struct RecordingFaultTests {
    static func trainArguments(_ db: String, epochs: Int = 50) -> [String] {
        [CLI.binary, "train", "--layers", "2x128", "--epochs", String(epochs), "--batch-size", "100",
         "--threads", "1", "--db", db, "--study", "faults", "--arm", "ff", "--sample-interval", "10ms", "--format", "json"]
    }

    static func environment() -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["FFBENCH_DATA"] = CLI.dataRoot
        return env
    }

    /// Waits until the run has at least `count` samples committed.
    static func waitForSamples(_ db: String, atLeast count: Int, timeout: Double = 60) throws -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: db), let store = try? RunStore.openExisting(db),
               let run = try? store.runs().first, let n = try? store.sampleCount(run.id), n >= count {
                return n
            }
            usleep(50_000)
        }
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "no samples appeared in \(db)"])
    }

    @Test func killNineLeavesAConsistentDatabaseAndTheRunShowsInterrupted() throws {
        let db = CLI.temporaryDirectory() + "/kill.sqlite"
        let child = try Subprocess(Self.trainArguments(db), captureOutput: true, environment: Self.environment())
        let before = try Self.waitForSamples(db, atLeast: 50)
        usleep(UInt32.random(in: 0...400_000)) // a random moment
        let seen = try RunStore.openExisting(db).sampleCount(try RunStore.openExisting(db).runs()[0].id)
        kill(child.pid, SIGKILL)
        #expect(child.wait() == 128 + SIGKILL)

        let store = try RunStore.openExisting(db)
        #expect(try store.check(.full).filter { $0.kind == .damaged }.isEmpty)
        let run = try #require(try store.runs().first)
        #expect(try store.sampleCount(run.id) >= max(before, seen))
        #expect(run.status == .running) // nobody has looked yet

        let listed = try CLI.run(["runs", "list", "--db", db])
        #expect(listed.status == 0)
        #expect(listed.stdout.contains("interrupted"))
        #expect(try RunStore.openExisting(db).run(run.id).status == .interrupted)
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func signalsMarkTheRunInterruptedFlushAndExitConventionally(signal: Int32) throws {
        let db = CLI.temporaryDirectory() + "/signal.sqlite"
        let child = try Subprocess(Self.trainArguments(db), captureOutput: true, environment: Self.environment())
        _ = try Self.waitForSamples(db, atLeast: 30)
        kill(child.pid, signal)
        let start = Date()
        #expect(child.wait() == 128 + signal)
        #expect(Date().timeIntervalSince(start) < 30)
        let store = try RunStore.openExisting(db)
        let run = try #require(try store.runs().first)
        #expect(run.status == .interrupted)
        #expect(run.finishedAt != nil)
        // Buffered samples were flushed: the last one is close to the end.
        let last = try store.samples(run.id, metric: "rss_bytes").last
        let events = try store.events(run.id)
        #expect(events.last?.kind == "status")
        #expect(try #require(last).t > (events.last?.t ?? 0) - 1)
    }

    @Test func twoRunsWritingTheSameDatabaseAtOnceBothComplete() throws {
        let db = CLI.temporaryDirectory() + "/shared.sqlite"
        let children = try (1...2).map { seed in
            try Subprocess(Self.trainArguments(db, epochs: 2) + ["--seed", String(seed)], captureOutput: true, environment: Self.environment())
        }
        for child in children {
            var reader = LineReader(child.output!)
            while reader.next() != nil {}
            #expect(child.wait() == 0)
        }
        let store = try RunStore.openExisting(db)
        let runs = try store.runs()
        #expect(runs.count == 2)
        for run in runs {
            #expect(run.status == .completed)
            #expect(try store.epochs(run.id).count == 2)
            #expect(try store.sampleCount(run.id) > 0)
        }
    }

    @Test func badDatabaseFilesAreOneLineAndUntouched() throws {
        let dir = CLI.temporaryDirectory()
        let text = dir + "/notes.sqlite"
        FileManager.default.createFile(atPath: text, contents: Data("not a database".utf8))
        let r = try CLI.run(["runs", "list", "--db", text])
        #expect(r.status == 2)
        #expect(r.stderr == "ffbench: \(text): not an SQLite database\n")
        #expect(try String(contentsOfFile: text, encoding: .utf8) == "not a database")

        let train = try CLI.run(["train", "--layers", "2x8", "--epochs", "1", "--db", text])
        #expect(train.status == 2)
        #expect(try String(contentsOfFile: text, encoding: .utf8) == "not a database")
    }

    @Test func aDivergingRunIsStoredAsDivergedAndTheStudyGoesOn() throws {
        let dir = CLI.temporaryDirectory()
        let spec = dir + "/diverge.yaml"
        try """
        study: diverge
        dataset: mnist
        epochs: 1
        seeds: [1]
        options: {layers: 2x16, batch-size: 1000, threads: 1}
        arms:
          wild: {algorithm: bp, lr: 1e12}
          calm: {algorithm: bp}
        """.write(toFile: spec, atomically: true, encoding: .utf8)
        let r = try CLI.run(["study", spec, "--db", dir + "/d.sqlite"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("1 completed") && r.stdout.contains("1 diverged"))
        let runs = try RunStore.openExisting(dir + "/d.sqlite").runs()
        #expect(Set(runs.map { "\($0.arm!):\($0.status.rawValue)" }) == ["wild:diverged", "calm:completed"])
        // Resuming skips both: a diverged run would only diverge again.
        let again = try CLI.run(["study", spec, "--db", dir + "/d.sqlite"])
        #expect(again.stdout.contains("0 completed, 2 already done"))
    }

    @Test func malformedStudySpecsNameTheKeyPath() throws {
        let dir = CLI.temporaryDirectory()
        let cases: [(String, String)] = [
            ("dataset: mnist\nepochs: 1\nseeds: [1]\narms: {ff: {algorithm: ff, lr2: 3}}\n", "arms.ff.lr2: unknown option"),
            ("dataset: mnist\nepochs: ten\nseeds: [1]\narms: {ff: {algorithm: ff}}\n", "epochs: 'ten': expected a positive integer"),
            ("epochs: 1\nseeds: [1]\narms: {ff: {algorithm: ff}}\n", "dataset: missing"),
            ("dataset: mnist\nepochs: 1\nseeds: [1]\ncolour: red\narms: {ff: {algorithm: ff}}\n", "colour: unknown key"),
            ("dataset: mnist\nepochs: 1\nseeds: [1]\narms: {ff: {algorithm: ff, layers: 4by2}}\n", "arms.ff: --layers '4by2'"),
            ("dataset: mnist\nepochs: 1\nseeds: [a]\narms: {ff: {algorithm: ff}}\n", "seeds: expected"),
        ]
        for (i, (yaml, expected)) in cases.enumerated() {
            let path = dir + "/bad\(i).yaml"
            try yaml.write(toFile: path, atomically: true, encoding: .utf8)
            let r = try CLI.run(["study", path, "--db", dir + "/never.sqlite"])
            #expect(r.status == 2, "\(expected)")
            #expect(r.stderr.contains(expected), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1)
            #expect(!FileManager.default.fileExists(atPath: dir + "/never.sqlite"))
        }
    }

    @Test func externalCommandsAreRecordedWithTheirEpochsAndExitStatus() throws {
        let db = CLI.temporaryDirectory() + "/ext.sqlite"
        let script = """
        import json, sys, time
        block = bytearray(50_000_000)
        for e in (1, 2):
            time.sleep(0.2)
            print(json.dumps({"epoch": e, "test_error": 0.5 / e, "train_loss": 1.0 / 3 / e, "train_seconds": 0.2}), flush=True)
            print("plain line", e, flush=True)
        sys.exit(3)
        """
        let r = try CLI.run(["record", "--db", db, "--study", "ext", "--arm", "torch", "--", "python3", "-c", script])
        #expect(r.status == 3)
        #expect(r.stdout == "plain line 1\nplain line 2\n")
        let store = try RunStore.openExisting(db)
        let run = try #require(try store.runs().first)
        #expect(run.status == .failed && run.exitStatus == 3 && run.algorithm == "external")
        let epochs = try store.epochs(run.id)
        #expect(epochs.map(\.testError) == [0.5, 0.25])
        // Every digit survives: 1/3 and 1/6 as Python wrote them, bit for bit.
        let third: Double = 1.0 / 3
        let expectedLoss: [Double?] = [third, third / 2]
        #expect(epochs.map(\.trainLoss) == expectedLoss)
        #expect(epochs.allSatisfy { ($0.peakRSSBytes ?? 0) > 50_000_000 })
        #expect(try store.samples(run.id, metric: "rss_bytes").map(\.value).max() ?? 0 > 50_000_000)
    }
}
