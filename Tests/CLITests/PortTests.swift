import Foundation
import RunStore
import Testing

/// The PyTorch ports (ports/pytorch/) for a few batches, when an interpreter
/// that imports torch is at hand (FFBENCH_PYTHON, else .venv-pytorch from
/// scripts/setup-pytorch); CI does not download torch, so there they are
/// reported skipped.
@Suite(.serialized, .enabled(if: Torch.python != nil, "torch is not importable (set FFBENCH_PYTHON or run scripts/setup-pytorch)"))
struct PortTests {
    static let ports = CLI.packageRoot.appendingPathComponent("ports/pytorch").path

    @Test(arguments: ["ff", "bp"])
    func aPortTrainsAFewBatchesAndPrintsEpochLinesTheRecorderStores(port: String) throws {
        let db = CLI.temporaryDirectory() + "/port.sqlite"
        let r = try CLI.run(["record", "--db", db, "--study", "ports", "--arm", "torch-\(port)", "--algorithm", port, "--framework", "pytorch",
                             "--dataset", "mnist", "--layers", "2x50", "--batch-size", "100", "--epochs", "2", "--seed", "3",
                             "--", Torch.python!, Self.ports + "/\(port).py", "--data-dir", CLI.dataRoot, "--layers", "2x50", "--epochs", "2",
                             "--seed", "3", "--validation", "1000", "--batches", "10", "--threads", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let store = try RunStore.openExisting(db)
        let run = try #require(try store.runs().first)
        #expect(run.status == .completed && run.framework == "pytorch")
        let epochs = try store.epochs(run.id)
        #expect(epochs.map(\.epoch) == [1, 2])
        for e in epochs {
            // After 10 batches BP, and FF's softmax head, are already better than chance (FF's goodness at 2x50 is not yet).
            let learned = port == "bp" ? e.testError : e.testErrorSoftmax
            #expect((learned ?? 1) < 0.9 && e.validationError != nil, "\(e)")
            #expect((e.trainSeconds ?? 0) > 0 && (e.peakRSSBytes ?? 0) > 100 * 1_048_576)
        }
        if port == "ff" { #expect(epochs.allSatisfy { $0.testErrorSoftmax != nil && $0.testErrorGoodness != nil }) }
    }

    @Test(arguments: [["ff"], ["bp"], ["ff", "--softmax-head", "no", "--negatives", "random"], ["bp", "--micro-batch", "30"],
                      ["bp", "--checkpoint", "1"]])
    func thePortsStepsEqualFFbenchs(options: [String]) throws {
        let dir = CLI.temporaryDirectory()
        let written = try CLI.run(["first-step", "--out", dir, "--algorithm"] + options + ["--layers", "2x100", "--seed", "5", "--steps", "3"])
        #expect(written.status == 0, "\(written.stderr)")
        let check = try Torch.run([Self.ports + "/check_step.py", dir, "--data-dir", CLI.dataRoot])
        #expect(check.status == 0, "\(check.stdout)\n\(check.stderr)")
        #expect(check.stdout.contains("same algorithm: every check passes"), "\(check.stdout)")
    }

    @Test func settingsThePortsDoNotHaveAreRefusedNotCompared() throws {
        let dir = CLI.temporaryDirectory()
        #expect(try CLI.run(["first-step", "--out", dir, "--algorithm", "ff", "--lr", "0.1", "--layers", "2x20"]).status == 0)
        let check = try Torch.run([Self.ports + "/check_step.py", dir, "--data-dir", CLI.dataRoot])
        #expect(check.status == 1)
        #expect(check.stderr.contains("optimizer.learning_rate: 0.1"), "\(check.stderr)")
    }
}

enum Torch {
    /// An interpreter that imports torch: FFBENCH_PYTHON, else the repository's .venv-pytorch.
    static let python: String? = {
        let candidates = [ProcessInfo.processInfo.environment["FFBENCH_PYTHON"],
                          CLI.packageRoot.appendingPathComponent(".venv-pytorch/bin/python").path].compactMap { $0 }
        return candidates.first { path in
            guard FileManager.default.isExecutableFile(atPath: path) else { return false }
            return (try? run(["-c", "import torch, numpy"], python: path).status) == 0
        }
    }()

    static func run(_ args: [String], python: String? = nil) throws -> CLI.Result {
        try CLI.run(args, executable: python ?? Self.python!)
    }
}
