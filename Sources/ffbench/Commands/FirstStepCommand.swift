import ArgumentParser
import Foundation
import Training

struct FirstStepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "first-step",
        abstract: "Write a run's first training steps (initial weights, batches, negatives, losses, weights after) to check another implementation.",
        discussion: """
        Tensors are raw little-endian float32 (indices and labels int32), row-major, \
        listed with their shapes in manifest.json. ports/pytorch/check_step.py reads \
        them and compares the PyTorch ports' step with ffbench's.

        Example:
          ffbench first-step --out /tmp/step --algorithm ff --layers 2x500 --seed 1
          .venv-pytorch/bin/python ports/pytorch/check_step.py /tmp/step \\
            --data-dir ../shared/datasets
        """
    )

    @OptionGroup var data: DataDirectoryOption
    @Option(help: "Folder to write (created if missing).") var out: String
    @Option(help: "Batches to train (each with the momentum and negatives the previous left).") var steps: Int = 1
    @Argument(parsing: .allUnrecognized, help: "Run options of 'ffbench train'.") var runOptions: [String] = []

    func run() throws {
        let spec = try RunSpecArguments.spec(json: nil, options: runOptions)
        let loaded = try data.loader.load(spec.dataset, validation: spec.config.validation ?? 0)
        let m = try FirstStep.write(spec: spec, data: loaded, steps: steps, to: out)
        let losses = m.losses.map { String(format: "%.6f", $0) }.joined(separator: ", ")
        print("\(m.algorithm) \(m.widths.map(String.init).joined(separator: "-")), batch \(m.batchSize), seed \(m.seed): \(m.losses.count) step(s), batch losses (summed) \(losses); \(m.tensors.count) tensors in \(out)")
    }
}
