import Foundation
import RunStore
import Testing

/// `ffbench study --executor slurm` against a real Slurm (scripts/slurm-local
/// starts a one-node cluster; CI always does). Skipped, saying so, when no
/// Slurm node is up.
@Suite(.serialized, .enabled(if: SlurmCluster.up, "no Slurm node is up (start one with scripts/slurm-local)"))
struct SlurmTests {
    @discardableResult
    static func shell(_ command: String) -> String? { SlurmCluster.shell(command) }

    static func spec(_ name: String, layers: String = "2x32", epochs: Int = 1, seeds: String = "[1, 2]", batch: Int = 500) throws -> String {
        let path = CLI.temporaryDirectory("spec") + "/\(name).yaml"
        try """
        study: \(name)
        dataset: mnist
        epochs: \(epochs)
        seeds: \(seeds)
        options: {layers: \(layers), batch-size: \(batch), validation: 1000}
        arms:
          ff: {algorithm: ff}
          bp: {algorithm: bp}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Waits until none of the study's tasks is in the queue.
    static func waitForQueue(_ study: String, timeout: Double = 240) {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (shell("squeue -h --name=ffbench-\(study) -o %i") ?? "x").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return }
            usleep(500_000)
        }
        Issue.record("tasks of \(study) still queued after \(Int(timeout)) s")
        shell("scancel --name=ffbench-\(study)")
    }

    static func summary(_ db: String) throws -> [String] {
        let store = try RunStore.openExisting(db)
        let counts = try store.epochCounts()
        return try store.runs().map { "\($0.arm ?? "-") seed \($0.seed ?? -1) \($0.status.rawValue) \(counts[$0.id] ?? 0) epochs \($0.study ?? "-")" }.sorted()
    }

    @Test func aDryRunIsAValidBatchScriptWithTheArrayAndResources() throws {
        let spec = try Self.spec("dry")
        let db = CLI.temporaryDirectory() + "/dry.sqlite"
        let r = try CLI.run(["study", spec, "--db", db, "--executor", "slurm", "--dry-run", "--cpus-per-task", "2", "--time", "01:30:00",
                             "--mem", "2G", "--exclusive", "--partition", "debug", "--sbatch-arg=--qos=normal"])
        #expect(r.status == 0, "\(r.stderr)")
        let script = CLI.temporaryDirectory() + "/dry.sh"
        try r.stdout.write(toFile: script, atomically: true, encoding: .utf8)
        #expect(Self.shell("bash -n \(script) && echo ok")?.contains("ok") == true)
        for line in ["#SBATCH --array=0-3", "#SBATCH --cpus-per-task=2", "#SBATCH --time=01:30:00", "#SBATCH --mem=2G", "#SBATCH --exclusive",
                     "#SBATCH --partition=debug", "#SBATCH --qos=normal", "OPENBLAS_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\""] {
            #expect(r.stdout.contains(line), "missing \(line)")
        }
        #expect(!FileManager.default.fileExists(atPath: db), "a dry run wrote the study database")
    }

    @Test func aStudyOnSlurmCollectsTheSameRunsAsALocalOne() throws {
        let spec = try Self.spec("slurm-same")
        let dir = CLI.temporaryDirectory()
        let start = Date()
        let submitted = try CLI.run(["study", spec, "--db", dir + "/s.sqlite", "--executor", "slurm", "--cpus-per-task", "1"], directory: dir)
        #expect(submitted.status == 0 && submitted.stdout.contains("submitted job array"), "\(submitted.stderr)")
        Self.waitForQueue("slurm-same")
        let collected = try CLI.run(["study", "collect", spec, "--db", dir + "/s.sqlite", "--out", dir + "/report", "--format", "html"],
                                    directory: CLI.packageRoot.path)
        #expect(collected.status == 0 && collected.stdout.contains("4 of 4 done"), "\(collected.stdout) \(collected.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir + "/report/report.html"))
        print(String(format: "slurm study of 4 runs: submitted, run and collected in %.1f s", Date().timeIntervalSince(start)))
        let local = try CLI.run(["study", spec, "--db", dir + "/l.sqlite", "--out", dir + "/local", "--format", "html"], directory: CLI.packageRoot.path)
        #expect(local.status == 0, "\(local.stderr)")
        #expect(try Self.summary(dir + "/s.sqlite") == Self.summary(dir + "/l.sqlite"))
        // Each run recorded the node it ran on and the threads Slurm gave it.
        for run in try RunStore.openExisting(dir + "/s.sqlite").runs() {
            let host = try #require(run.hostJSON)
            #expect(host.contains("\"blas_threads\":1"), "\(host.prefix(200))")
        }
        // Collecting again changes nothing; resubmitting submits nothing.
        #expect(try CLI.run(["study", "collect", spec, "--db", dir + "/s.sqlite", "--format", "html"], directory: CLI.packageRoot.path)
            .stdout.contains("0 run(s) collected"))
        #expect(try CLI.run(["study", spec, "--db", dir + "/s.sqlite", "--executor", "slurm"]).stdout.contains("nothing submitted"))
    }

    @Test func aCancelledTaskIsShownLeftOutAndResubmittedAlone() throws {
        let spec = try Self.spec("slurm-cancel", layers: "2x500", epochs: 4, seeds: "[1]", batch: 100)
        let dir = CLI.temporaryDirectory()
        let submitted = try CLI.run(["study", spec, "--db", dir + "/c.sqlite", "--executor", "slurm", "--cpus-per-task", "1"])
        #expect(submitted.status == 0, "\(submitted.stderr)")
        let job = try #require(submitted.stdout.components(separatedBy: "job array ").last?.split(separator: " ").first.map(String.init))
        // Task 0 is ff seed 1: cancel it once it runs.
        var running = false
        for _ in 0..<240 where !running {
            running = Self.shell("squeue -h -r -j \(job) -o '%i %T'")?.contains("\(job)_0 RUNNING") == true
            if !running { usleep(250_000) }
        }
        #expect(running, "task \(job)_0 never started")
        sleep(3)
        Self.shell("scancel \(job)_0")
        Self.waitForQueue("slurm-cancel")
        let status = try CLI.run(["study", "status", spec, "--db", dir + "/c.sqlite"])
        #expect(status.stdout.contains("ff   1     interrupted") || status.stdout.contains("ff   1     failed"), "\(status.stdout)")
        let first = try CLI.run(["study", "collect", spec, "--db", dir + "/c.sqlite", "--format", "html"], directory: CLI.packageRoot.path)
        #expect(first.stdout.contains("1 run(s) collected") && first.stdout.contains("1 of 2 done"), "\(first.stdout)")
        #expect(try Self.summary(dir + "/c.sqlite") == ["bp seed 1 completed 4 epochs slurm-cancel"])
        let again = try CLI.run(["study", spec, "--db", dir + "/c.sqlite", "--executor", "slurm", "--cpus-per-task", "1"])
        #expect(again.stdout.contains("(1 of 2 runs)"), "\(again.stdout) \(again.stderr)")
        Self.waitForQueue("slurm-cancel")
        let last = try CLI.run(["study", "collect", spec, "--db", dir + "/c.sqlite", "--format", "html"], directory: CLI.packageRoot.path)
        #expect(last.stdout.contains("2 of 2 done"), "\(last.stdout)")
    }

    @Test func aCommandArmRunsAsAnArrayTaskAndCollectsLikeANativeOne() throws {
        let dir = CLI.temporaryDirectory()
        let spec = try CommandArmTests.spec(in: dir, name: "slurm-command", seeds: "[1, 2]")
        let dry = try CLI.run(["study", spec, "--db", dir + "/c.sqlite", "--executor", "slurm", "--dry-run"], directory: CLI.packageRoot.path)
        #expect(dry.status == 0, "\(dry.stderr)")
        try dry.stdout.write(toFile: dir + "/c.sh", atomically: true, encoding: .utf8)
        #expect(Self.shell("bash -n \(dir)/c.sh && echo ok")?.contains("ok") == true)
        // Placeholders and variables stay for the task to expand on its node.
        #expect(dry.stdout.contains("'record'") && dry.stdout.contains("'--substitute'") && dry.stdout.contains("'${FFBENCH_TEST_PYTHON:-python3}'"))

        let submitted = try CLI.run(["study", spec, "--db", dir + "/c.sqlite", "--executor", "slurm"], directory: CLI.packageRoot.path)
        #expect(submitted.status == 0, "\(submitted.stderr)")
        Self.waitForQueue("slurm-command")
        let collected = try CLI.run(["study", "collect", spec, "--db", dir + "/c.sqlite", "--out", dir + "/report", "--format", "html"],
                                    directory: CLI.packageRoot.path)
        #expect(collected.stdout.contains("4 of 4 done"), "\(collected.stdout) \(collected.stderr)")
        #expect(try Self.summary(dir + "/c.sqlite") == ["bp seed 1 completed 2 epochs slurm-command", "bp seed 2 completed 2 epochs slurm-command",
                                                        "fake seed 1 completed 2 epochs slurm-command", "fake seed 2 completed 2 epochs slurm-command"])
        let fake = try RunStore.openExisting(dir + "/c.sqlite").runs().filter { $0.arm == "fake" }
        #expect(fake.allSatisfy { $0.framework == "fixture" })
    }

    @Test func submissionProblemsAreOneLineAndWriteNothing() throws {
        let spec = try Self.spec("slurm-bad")
        let dir = CLI.temporaryDirectory()
        let db = dir + "/b.sqlite"
        let noSbatch = try CLI.run(["study", spec, "--db", db, "--executor", "slurm"], environment: ["PATH": "/nonexistent"])
        #expect(noSbatch.status == 2 && noSbatch.stderr.contains("sbatch: not found on PATH"), "\(noSbatch.stderr)")
        let rejected = try CLI.run(["study", spec, "--db", db, "--executor", "slurm", "--partition", "no-such-partition"])
        #expect(rejected.status == 2 && rejected.stderr.contains("sbatch refused the job array") && rejected.stderr.lowercased().contains("partition"),
                "\(rejected.stderr)")
        #expect(rejected.stderr.split(separator: "\n").filter { !$0.contains("warning:") }.count == 1)
        #expect(!FileManager.default.fileExists(atPath: db), "a refused submission wrote the study database")
        // The shard folder's place taken by a file.
        let blocked = dir + "/x.sqlite"
        FileManager.default.createFile(atPath: dir + "/x.shards", contents: Data())
        let unwritable = try CLI.run(["study", spec, "--db", blocked, "--executor", "slurm"])
        #expect(unwritable.status == 2 && unwritable.stderr.contains("x.shards"), "\(unwritable.stderr)")
        // A shard of another study in this study's folder.
        let other = try AnalysisCommandTests.store()
        try FileManager.default.createDirectory(atPath: dir + "/b.shards", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: other, toPath: dir + "/b.shards/99_0.sqlite")
        let foreign = try CLI.run(["study", "collect", spec, "--db", db])
        #expect(foreign.status == 2 && foreign.stderr.contains("99_0.sqlite: a shard of study 's'"), "\(foreign.stderr)")
        #expect(!FileManager.default.fileExists(atPath: db))
    }
}

/// Whether a Slurm node answers, and shell commands for the tests.
enum SlurmCluster {
    static let up: Bool = (shell("timeout 10 sinfo -h -o %T") ?? "").split(separator: "\n").contains { ["idle", "mixed", "allocated"].contains($0) }

    /// A shell command's stdout (nil when it fails).
    static func shell(_ command: String) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", command]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return p.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }
}
