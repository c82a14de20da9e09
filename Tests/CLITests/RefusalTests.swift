import Foundation

// Issue 23: input that was accepted silently, refused before it does harm and in one line.
import RunStore
import Testing

/// A recorded command's epochs must increase: a repeated epoch line must not
/// replace the first silently, nor may a later line go back in time.
struct EpochOrderTests {
    static func record(_ lines: [(Int, Double)]) throws -> (CLI.Result, [EpochRecord], [String]) {
        let db = CLI.temporaryDirectory() + "/order.sqlite"
        let script = lines.map { "echo '{\"epoch\": \($0.0), \"test_error\": \($0.1)}'" }.joined(separator: "; ")
        let r = try CLI.run(["record", "--db", db, "--study", "order", "--arm", "cmd", "--algorithm", "bp", "--framework", "shell",
                             "--dataset", "mnist", "--layers", "2x8", "--batch-size", "10", "--epochs", "3", "--seed", "1",
                             "--", "/bin/sh", "-c", script])
        let store = try RunStore.openExisting(db)
        let run = try #require(try store.runs().first)
        let warnings = try store.events(run.id).filter { $0.kind == "warning" }.map(\.message)
        return (r, try store.epochs(run.id), warnings)
    }

    @Test func aRepeatedEpochIsRefusedAndTheFirstKept() throws {
        let (r, epochs, warnings) = try Self.record([(1, 0.30), (1, 0.20), (2, 0.10)])
        #expect(epochs.map(\.epoch) == [1, 2])
        #expect(epochs.first?.testError == 0.30, "the repeated line replaced the first")
        #expect(r.stderr.contains("epoch 1 after epoch 1: epochs must increase"), "\(r.stderr)")
        #expect(warnings.contains { $0.contains("epochs must increase") })
    }

    @Test func epochsGoingBackAreRefused() throws {
        let (r, epochs, _) = try Self.record([(3, 0.30), (2, 0.20), (1, 0.10)])
        #expect(epochs.map(\.epoch) == [3])
        #expect(r.stderr.contains("epoch 2 after epoch 3") && r.stderr.contains("epoch 1 after epoch 3"), "\(r.stderr)")
    }
}

/// Checks that can be made before a study trains are made before it trains.
struct StudyPreflightTests {
    @Test func aReportFolderThatIsAFileIsRefusedBeforeAnyRun() throws {
        let dir = CLI.temporaryDirectory()
        try "study: pre\ndataset: mnist\nepochs: 1\nseeds: [1]\noptions: {layers: 2x8, batches: 2}\narms:\n  bp: {algorithm: bp}\n"
            .write(toFile: dir + "/pre.yaml", atomically: true, encoding: .utf8)
        try "not a folder".write(toFile: dir + "/out", atomically: true, encoding: .utf8)
        let r = try CLI.run(["study", dir + "/pre.yaml", "--db", dir + "/pre.sqlite", "--out", dir + "/out"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--out \(dir)/out: is a file, not a folder; nothing was started"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/pre.sqlite"), "a run was started")
    }
}

/// A refused name is shown on one short line, whatever was given.
struct RefusedNameTests {
    @Test(arguments: [String(repeating: "a", count: 4000), "a\nb", "x\r\u{1B}[31m"])
    func aRefusedArmNameIsOneShortLine(name: String) throws {
        let dir = CLI.temporaryDirectory()
        let r = try CLI.run(["record", "--db", dir + "/n.sqlite", "--arm", name, "--", "/bin/true"])
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.count < 300, "\(r.stderr.count) characters: \(r.stderr.prefix(300))")
        let spec = dir + "/s.yaml"
        let key = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
            .replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\u{1B}", with: "\\e")
        try "study: s\ndataset: mnist\nepochs: 1\nseeds: [1]\narms:\n  \"\(key)\": {algorithm: bp}\n".write(toFile: spec, atomically: true, encoding: .utf8)
        let s = try CLI.run(["study", spec, "--db", dir + "/s.sqlite"])
        #expect(s.status != 0)
        #expect(s.stderr.split(separator: "\n").count == 1 && s.stderr.count < 300, "\(s.stderr.count) characters: \(s.stderr.prefix(300))")
    }
}

/// SQLite's integrity report spans lines; the refusal of a damaged database does not.
struct DamagedDatabaseMessageTests {
    @Test func mergingADamagedDatabaseIsRefusedInOneLine() throws {
        let dir = CLI.temporaryDirectory()
        let source = dir + "/damaged.sqlite"
        try RunStore.open(source).fillSynthetic(runs: 10, epochs: 10, samplesPerRun: 500)
        let handle = try #require(FileHandle(forUpdatingAtPath: source))
        try handle.seek(toOffset: 4096 * 5)
        try handle.write(contentsOf: Data(repeating: 0xFF, count: 200))
        try handle.close()
        let r = try CLI.run(["merge", "--output", dir + "/merged.sqlite", source])
        #expect(r.status != 0)
        #expect(r.stderr.contains("the database is damaged"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/merged.sqlite"))
    }
}

/// A study of thousands of runs is started only when asked twice.
struct OversizedStudyTests {
    @Test func aStudyOfTenThousandRunsWantsYes() throws {
        let dir = CLI.temporaryDirectory()
        let arms = (1...50).map { "  a\($0): {algorithm: bp}\n" }.joined()
        try "study: big\ndataset: mnist\nepochs: 1\nseeds: 1-200\noptions: {layers: 2x8}\narms:\n\(arms)".write(toFile: dir + "/big.yaml", atomically: true, encoding: .utf8)
        let r = try CLI.run(["study", dir + "/big.yaml", "--db", dir + "/big.sqlite"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("big: 10000 runs (50 arms x 200 seeds), time unknown until a run of each arm has finished; a study of more than 1000 runs starts only with --yes"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/big.sqlite"))
    }
}
