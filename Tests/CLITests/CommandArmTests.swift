import Foundation
import RunStore
import Testing

/// Study arms that run a command (a framework's trainer): end to end with
/// a small Python script (Fixtures/fake_trainer.py) beside a native arm.
@Suite(.serialized) struct CommandArmTests {
    static let script = CLI.packageRoot.appendingPathComponent("Tests/CLITests/Fixtures/fake_trainer.py").path

    /// A study of ffbench BP and the fake trainer as an FF arm of framework "fixture".
    static func spec(in dir: String, name: String = "cmd", seeds: String = "[1, 2, 3]", extra: [String] = [],
                     armKeys: String = "", script: String = script) throws -> String {
        let words = ["${FFBENCH_TEST_PYTHON:-python3}", script, "--seed", "{seed}", "--epochs", "{epochs}", "--layers", "{layers}",
                     "--batch-size", "{batch-size}", "--dataset", "{dataset}", "--data-dir", "{data-dir}", "--threads", "{threads}",
                     "--args-to", dir + "/args-{seed}.json"] + extra
        let command = "[" + words.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        let path = dir + "/\(name).yaml"
        try """
        study: \(name)
        dataset: mnist
        epochs: 2
        seeds: \(seeds)
        options: {layers: 2x32, batch-size: 500, threads: 1}
        arms:
          bp: {algorithm: bp, validation: 1000}
          fake:
            algorithm: ff
            framework: fixture
            command: \(command)\(armKeys)
        baseline: bp
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func placeholdersAreSubstitutedRunsRecordedAndComparedWithTheNativeArm() throws {
        let dir = CLI.temporaryDirectory()
        // The script beside the spec, named through {spec-dir}: the study runs it from any working directory.
        try FileManager.default.copyItem(atPath: Self.script, toPath: dir + "/trainer.py")
        let spec = try Self.spec(in: dir, script: "{spec-dir}/trainer.py")
        let db = dir + "/cmd.sqlite"
        let r = try CLI.run(["study", spec, "--db", db, "--out", dir + "/report", "--format", "html"], directory: "/tmp")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("6 completed"), "\(r.stdout)")

        // What the command received: the arm's settings, the data folder found, the threads.
        let received = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/args-2.json"))) as? [String])
        #expect(Array(received.prefix(14)) == ["--seed", "2", "--epochs", "2", "--layers", "2x32", "--batch-size", "500",
                                               "--dataset", "mnist", "--data-dir", CLI.dataRoot + "/mnist", "--threads", "1"])

        let store = try RunStore.openExisting(db)
        let fake = try store.runs().filter { $0.arm == "fake" }
        #expect(fake.count == 3)
        for run in fake {
            #expect(run.status == .completed && run.framework == "fixture" && run.algorithm == "ff")
            #expect(run.dataset == "mnist" && run.layers == "2x32" && run.batchSize == 500 && run.epochs == 2)
            // The command as it ran, expanded, is stored.
            #expect(run.command?.contains("--seed \(run.seed!) --epochs 2") == true, "\(run.command ?? "")")
            #expect(run.command?.contains(dir + "/trainer.py --seed") == true, "{spec-dir} not filled in: \(run.command ?? "")")
            #expect(try store.epochs(run.id).count == 2)
            // The recorder sampled the script's process tree: its 30 MiB are in the peak.
            let samples = try store.samples(run.id, metric: "rss_bytes").map(\.value)
            let rss = samples.max() ?? 0
            #expect(rss > 30 * 1_048_576, "peak sampled RSS \(rss)")
            // Not one sample of the exited (zombie) process as "0 bytes resident".
            #expect((samples.min() ?? 0) > 0, "smallest sampled RSS \(samples.min() ?? 0)")
        }
        // Interleaved with the native arm: bp s1, fake s1, bp s2, …
        let order = try store.runs().sorted { $0.startedAt < $1.startedAt }.map { "\($0.arm!)\($0.seed!)" }
        #expect(order == ["bp1", "fake1", "bp2", "fake2", "bp3", "fake3"])

        let object = try AnalysisCommandTests.json(["compare", "--db", db, "--format", "json"])
        let c = try #require((object["comparisons"] as? [[String: Any]])?.first)
        #expect((c["arm"] as? [String: Any])?["framework"] as? String == "fixture")
        #expect((c["baseline"] as? [String: Any])?["name"] as? String == "bp")
        #expect(c["runs"] as? [Int] == [3, 3])
        #expect(AnalysisCommandTests.endpoints(c)["final_test_error"] != nil)
        // The report names the framework beside the algorithm.
        let html = try String(contentsOfFile: dir + "/report/report.html", encoding: .utf8)
        #expect(html.contains("fixture"))

        // Running the study again resumes it: nothing is left to do.
        let again = try CLI.run(["study", spec, "--db", db, "--format", "html", "--out", dir + "/report2"], directory: CLI.packageRoot.path)
        #expect(again.status == 0 && again.stdout.contains("0 completed, 6 already done"), "\(again.stdout)")
    }

    @Test func aFailingCommandIsStoredFailedWithItsExitStatusTheStudyGoesOnAndAResumeRedoesIt() throws {
        let dir = CLI.temporaryDirectory()
        let spec = try Self.spec(in: dir, name: "failing", seeds: "[1, 2]", extra: ["--fail-seed", "${FAIL_SEED:-none}"])
        let db = dir + "/failing.sqlite"
        let r = try CLI.run(["study", spec, "--db", db, "--format", "html", "--out", dir + "/r"], environment: ["FAIL_SEED": "1"],
                            directory: CLI.packageRoot.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("fake seed 1: failed with exit status 3; the study goes on"), "\(r.stderr)")
        #expect(r.stdout.contains("3 completed") && r.stdout.contains("1 failed"), "\(r.stdout)")
        let failed = try #require(try RunStore.openExisting(db).runs().first { $0.arm == "fake" && $0.seed == 1 })
        #expect(failed.status == .failed && failed.exitStatus == 3)
        #expect(try RunStore.openExisting(db).epochs(failed.id).count == 1) // what it printed before failing is kept

        let resumed = try CLI.run(["study", spec, "--db", db, "--format", "html", "--out", dir + "/r"], directory: CLI.packageRoot.path)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("3 of 4 runs already done, 1 to go"), "\(resumed.stderr)")
        let runs = try RunStore.openExisting(db).runs().filter { $0.arm == "fake" && $0.seed == 1 }
        #expect(runs.map(\.status.rawValue).sorted() == ["completed", "failed"])
    }

    @Test func garbageOutputIsShownOrRefusedNeverStored() throws {
        let dir = CLI.temporaryDirectory()
        let spec = try Self.spec(in: dir, name: "garbage", seeds: "[1]", extra: ["--garbage"])
        let db = dir + "/garbage.sqlite"
        let r = try CLI.run(["study", spec, "--db", db, "--format", "html", "--out", dir + "/r"], directory: CLI.packageRoot.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("fake seed 1: loading batch 3 of 7"), "\(r.stderr)")
        let store = try RunStore.openExisting(db)
        let run = try #require(try store.runs().first { $0.arm == "fake" })
        #expect(run.status == .completed)
        let epochs = try store.epochs(run.id)
        #expect(epochs.map(\.epoch) == [1, 2])
        #expect(epochs.allSatisfy { ($0.testError ?? 1) < 1 }, "an error of 7.5 was stored")
        let refused = try store.events(run.id).filter { $0.kind == "warning" && $0.message.contains("refused") }
        #expect(refused.count == 4, "\(refused.map(\.message))")
    }

    @Test(arguments: [
        ("  bad:\n    algorithm: ff\n    command: [python3, x.py, \"{sed}\"]\n", "arms.bad.command: unknown placeholder {sed}"),
        ("  bad:\n    algorithm: ff\n    lr: 0.1\n    command: [python3, x.py]\n", "arms.bad.lr: 'lr' cannot reach a command arm"),
        ("  bad:\n    algorithm: ff\n    command: []\n", "arms.bad.command: expected a non-empty list"),
        ("  bad:\n    algorithm: ff\n    framework: pytorch\n", "arms.bad.framework: 'pytorch' needs a command:"),
        ("  bad:\n    algorithm: ff\n    command: [\"${FFBENCH_NO_SUCH_VARIABLE}\", x.py]\n", "arms.bad.command: command: ${FFBENCH_NO_SUCH_VARIABLE} is not set"),
        ("  bad:\n    algorithm: ff\n    command: [/no/such/program, x.py]\n", "arms.bad.command: /no/such/program: no such program"),
        ("  bad:\n    algorithm: ff\n    command: [no-such-program-anywhere, x.py]\n", "arms.bad.command: no-such-program-anywhere: no such program"),
    ])
    func badCommandArmsAreOneLineErrorsBeforeAnythingRuns(arm: String, message: String) throws {
        let dir = CLI.temporaryDirectory()
        let path = dir + "/bad.yaml"
        try "study: bad\ndataset: mnist\nepochs: 1\nseeds: [1]\narms:\n  bp: {algorithm: bp}\n\(arm)".write(toFile: path, atomically: true, encoding: .utf8)
        let r = try CLI.run(["study", path, "--db", dir + "/bad.sqlite"])
        #expect(r.status == 2, "exit \(r.status)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/bad.sqlite"))
    }
}
