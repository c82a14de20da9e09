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

    /// Locally connected stacks at a reduced field (5x5 on CIFAR-10's 32x32 map), so the suite stays short.
    static let local = ["--dataset", "cifar10", "--layers", "lc2:3x5", "--validation", "1000"]

    @Test(arguments: [["ff"], ["bp"], ["ff", "--softmax-head", "no", "--negatives", "random"], ["bp", "--micro-batch", "30"],
                      ["bp", "--checkpoint", "1"], ["bp"] + local, ["ff"] + local, ["ff", "--goodness", "min-ssq"] + local])
    func thePortsStepsEqualFFbenchs(options: [String]) throws {
        let dir = CLI.temporaryDirectory()
        let layers = options.contains("--layers") ? [] : ["--layers", "2x100"]
        let written = try CLI.run(["first-step", "--out", dir, "--algorithm"] + options + layers + ["--seed", "5", "--steps", "3"])
        #expect(written.status == 0, "\(written.stderr)")
        let check = try Torch.run([Self.ports + "/check_step.py", dir, "--data-dir", CLI.dataRoot])
        #expect(check.status == 0, "\(check.stdout)\n\(check.stderr)")
        #expect(check.stdout.contains("same algorithm: every check passes"), "\(check.stdout)")
    }

    /// scripts/gpu-check on the CPU with a fake nvidia-smi (these machines have no GPU): the study runs
    /// through the recorder and the figures it prints come from what was stored.
    @Test func theGPUCheckRunsItsStudyAndPrintsTheMemoryFigures() throws {
        let dir = CLI.temporaryDirectory()
        let tool = try GPUSamplingTests.fakeTool("ok")
        let arm = { (name: String, port: String, extra: String) in
            "  \(name):\n    algorithm: \(port)\n    framework: pytorch\n    command: [\"${FFBENCH_PYTHON}\", \"\(Self.ports)/\(port).py\", --data-dir, \"{data-dir}\", "
                + "--layers, \"{layers}\", --epochs, \"{epochs}\", --seed, \"{seed}\", --batches, \"3\", --validation, \"1000\", --threads, \"1\", "
                + "--device, \"${FFBENCH_DEVICE}\"\(extra)]\n"
        }
        let spec = "study: gpu-check\ndataset: mnist\nepochs: 1\nseeds: 1\noptions:\n  layers: 2x50\n  batch-size: 100\narms:\n"
            + arm("torch-ff", "ff", "") + arm("torch-bp", "bp", "") + arm("torch-bp-micro10", "bp", ", --micro-batch, \"10\"")
        try spec.write(toFile: dir + "/tiny.yaml", atomically: true, encoding: .utf8)
        let r = try CLI.run([CLI.packageRoot.appendingPathComponent("scripts/gpu-check").path, dir + "/out"],
                            environment: ["FFBENCH_DEVICE": "cpu", "FFBENCH_GPU_CHECK_SPEC": dir + "/tiny.yaml", "FFBENCH": CLI.binary,
                                          "FFBENCH_PYTHON": Torch.python!, "PATH": "\(tool):/usr/bin:/bin"], executable: "/bin/bash")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("nvidia-smi: \(tool)/nvidia-smi"))
        let table = r.stdout.split(separator: "\n").drop { !$0.hasPrefix("arm ") }
        #expect(table.first?.contains("torch max allocated MiB") == true, "\(r.stdout)")
        // On a CPU there are no allocator peaks; the fake nvidia-smi's devices use 1000 + 3000 MiB.
        for name in ["torch-bp", "torch-bp-micro10", "torch-ff"] {
            let row = try #require(table.first { $0.hasPrefix(name + " ") }, "\(r.stdout)")
            #expect(row.split(separator: " ").contains("4000"), "\(row)")
        }
        #expect(FileManager.default.fileExists(atPath: dir + "/out/report/report.html"))
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
