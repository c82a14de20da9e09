import Foundation
import RunStore
import Testing

/// Before timing: `env --check` and `study --require-quiet` see a busy
/// machine and refuse it; after timing: `study --retime` reruns a disturbed
/// run as a new one and keeps the old one, superseded.
@Suite(.serialized) struct QuietAndRetimeTests {
    /// The disturbance study's spec, smaller: one seed, two epochs, 2x50.
    static let spec = DisturbanceStudyTests.spec.replacingOccurrences(of: "study: disturbance", with: "study: retime")
        .replacingOccurrences(of: "epochs: 4", with: "epochs: 2").replacingOccurrences(of: "seeds: 1-3", with: "seeds: 1")
        .replacingOccurrences(of: "layers: 2x100", with: "layers: 2x50")

    @Test func aBusyMachineIsNotQuietAndRequireQuietStartsNothing() throws {
        let burners = try DisturbanceStudyTests.burners(2)
        defer { for b in burners { kill(b.processIdentifier, SIGKILL); b.waitUntilExit() } }
        usleep(300_000)
        let check = try CLI.run(["env", "--check"])
        #expect(check.status == 1, "\(check.stdout)")
        #expect(check.stdout.contains("NOT quiet") && check.stdout.contains("problem") && check.stdout.contains("(sh)"), "\(check.stdout)")
        let json = try CLI.run(["env", "--check", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["busy_processes"] as? [[String: Any]])?.count ?? 0 >= 1)
        // This virtual machine has no powercap: energy is said to be unmeasured, with the reason.
        if !FileManager.default.fileExists(atPath: "/sys/class/powercap") {
            #expect((object["energy"] as? String)?.hasPrefix("not measured: no powercap") == true)
        }

        let dir = CLI.temporaryDirectory()
        try Self.spec.write(toFile: dir + "/retime.yaml", atomically: true, encoding: .utf8)
        let r = try CLI.run(["study", dir + "/retime.yaml", "--db", dir + "/r.sqlite", "--require-quiet"])
        #expect(r.status != 0)
        let lines = r.stderr.split(separator: "\n").filter { $0.contains("--require-quiet") }
        #expect(lines.count == 1 && lines[0].contains("not quiet") && lines[0].contains("nothing was started"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/r.sqlite"))
    }

    @Test func retimeRerunsTheDisturbedRunAndKeepsTheOldOneSuperseded() throws {
        let dir = CLI.temporaryDirectory()
        let specPath = dir + "/retime.yaml", db = dir + "/r.sqlite"
        try Self.spec.write(toFile: specPath, atomically: true, encoding: .utf8)
        let first = try CLI.run(["study", specPath, "--db", db, "--out", dir + "/report", "--format", "html"])
        #expect(first.status == 0, "\(first.stderr)")
        // The BP run's second epoch is marked as if half the machine had been busy then.
        let store = try RunStore.open(db)
        let bp = try #require(try store.runs(study: "retime").first { $0.arm == "bp" })
        var epochs = try store.epochs(bp.id)
        epochs[1].otherCPUShare = 0.5
        try store.insert(epochs: epochs)

        let retimed = try CLI.run(["study", specPath, "--db", db, "--retime", "--out", dir + "/report", "--format", "html"])
        #expect(retimed.status == 0, "\(retimed.stderr)")
        // The marked run is rerun (any other the machine disturbed too).
        #expect(retimed.stderr.contains("run(s) with disturbed timings to rerun"), "\(retimed.stderr)")
        let runs = try RunStore.open(db).runs(study: "retime")
        let old = try #require(runs.first { $0.id == bp.id })
        let new = try #require(runs.first { $0.id == old.supersededBy })
        #expect(new.arm == "bp" && new.supersededBy == nil && new.status == .completed)
        // The comparison counts one run per arm, the ones that stand; the old ones stay stored.
        let c = try AnalysisCommandTests.json(["compare", "--db", db, "--format", "json"])
        let comparison = try #require((c["comparisons"] as? [[String: Any]])?.first)
        #expect((comparison["runs"] as? [Int]) == [1, 1])
        #expect(runs.count == 2 + runs.filter { $0.supersededBy != nil }.count)
    }
}
