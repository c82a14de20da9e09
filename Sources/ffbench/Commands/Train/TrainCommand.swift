import ArgumentParser
import Datasets
import Foundation
import Recorder
import RunStore
import Tensor
import Training

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one FF or BP network and report every epoch.",
        discussion: """
        Prints a progress bar while an epoch runs (on a terminal) and one line per
        epoch: train loss, train error, test error(s), seconds. With --format json,
        one JSON object per epoch instead. Defaults follow the paper (4x2000, 60
        epochs, batch 100) with the settings of Hinton's official code.

        Example:
          ffbench train --algorithm ff --dataset mnist --layers 2x500 --epochs 10 --seed 1
        """
    )

    @Option(help: "Data set: mnist, fashion-mnist or cifar10.")
    var dataset: DatasetID = .mnist

    @OptionGroup var options: TrainOptions
    @OptionGroup var data: DataDirectoryOption

    @Option(help: "Output format: text or json (one object per epoch).")
    var format: OutputFormat = .text

    @Option(help: "Record the run into this SQLite database (created if missing).")
    var db: String?

    @Option(help: "Study name stored with the run (with --db).")
    var study: String?

    @Option(help: "Arm name stored with the run, e.g. ff or bp (with --db).")
    var arm: String?

    @Option(name: .customLong("sample-interval"), help: "How often to sample memory and CPU while recording: 20ms, 0.5s, …")
    var sampleInterval: String = "20ms"

    func run() throws {
        let config = try options.config(trainingImages: dataset.info.trainCount)
        guard let interval = RecordingOptions.parseInterval(sampleInterval) else {
            throw ValidationError("--sample-interval '\(sampleInterval)': expected a duration such as 20ms or 0.5s (1 ms to 1 h)")
        }
        if db == nil && (study != nil || arm != nil) { throw ValidationError("--study and --arm need --db") }
        if let threads = config.threads { BLAS.setThreads(threads) }
        let stop = StopSignals()
        stop.install()
        // Everything that can fail on input happens before a run row exists.
        let store = try db.map { try RunStore.open($0) }
        let loaded = try data.loader.load(dataset, validation: config.validation ?? 0)
        let loop = try TrainingLoop(config: config, data: loaded)
        loop.shouldStop = { stop.requested }
        let printer = EpochPrinter(format: format, epochs: config.epochs)
        if format == .text {
            let shape = ([loaded.train.inputSize] + loop.widths).map(String.init).joined(separator: "-")
            Console.line("\(config.variantName) \(shape) on \(dataset.rawValue) (\(loaded.location.directory)): \(loop.model.parameterCount) parameters, seed \(config.seed)")
        }
        var recorder: RunRecorder?
        if let store {
            let options = RecordingOptions(databasePath: store.path, study: study, arm: arm, sampleInterval: interval)
            let run = RunRecord.training(config: config, dataset: dataset.rawValue, parameterCount: loop.model.parameterCount,
                                         options: options, host: HostInfo.current())
            recorder = try RunRecorder(store: store, run: run, sampleInterval: interval)
        }
        let outcome = loop.run(observer: ObserverGroup([printer] + (recorder.map { [$0] } ?? [])))
        switch outcome {
        case .completed:
            try recorder?.finish(status: .completed, exitStatus: 0)
        case .diverged(let epoch, let batch):
            let message = "diverged at epoch \(epoch), batch \(batch): the loss became NaN or infinite"
            try recorder?.finish(status: .diverged, message: message, exitStatus: 1)
            throw RunFailure(message)
        case .interrupted(let epoch):
            let message = "interrupted by signal \(stop.receivedSignal) in epoch \(epoch)"
            try recorder?.finish(status: .interrupted, message: message, exitStatus: Int(stop.exitStatus))
            Console.error(message)
            throw ExitCode(stop.exitStatus)
        }
    }
}

/// A run that started but did not finish well (exit status 1).
struct RunFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Prints progress and per-epoch lines for `ffbench train`.
final class EpochPrinter: TrainingObserver {
    let format: OutputFormat
    let epochs: Int
    let interactive = isatty(STDERR_FILENO) != 0
    private var epochStart = 0.0
    private var lastDraw = 0.0

    init(format: OutputFormat, epochs: Int) {
        self.format = format
        self.epochs = epochs
    }

    func phaseChanged(_ phase: TrainingPhase, epoch: Int) {
        if phase == .training { epochStart = Monotonic.now() }
    }

    func batchEnded(epoch: Int, batch: Int, batches: Int) {
        guard interactive else { return }
        let now = Monotonic.now()
        guard now - lastDraw > 0.2 || batch == batches else { return }
        lastDraw = now
        let elapsed = now - epochStart
        let rate = Double(batch) / max(elapsed, 1e-9)
        let eta = Double(batches - batch) / max(rate, 1e-9)
        let width = 30
        let filled = width * batch / max(batches, 1)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = String(format: "\rEpoch %d/%d [%@] %d/%d batches  %.1f batch/s  ETA %.0f s ",
                          epoch, epochs, bar, batch, batches, rate, eta)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func epochEnded(_ r: EpochResult) {
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            if let data = try? encoder.encode(r) { Console.line(String(decoding: data, as: UTF8.self)) }
        case .text:
            var tests = (r.validationError.map { String(format: "val err %.2f%%  ", 100 * $0) } ?? "") + (r.testError.map { String(format: "test err %.2f%%", 100 * $0) } ?? "test err (not evaluated)")
            if let g = r.testErrorGoodness, let s = r.testErrorSoftmax {
                tests += String(format: " (goodness %.2f%%, softmax %.2f%%)", 100 * g, 100 * s)
            }
            let train = r.trainError.map { String(format: "train err %.2f%%", 100 * $0) } ?? "train err –"
            Console.line(String(format: "epoch %d/%d  loss %.4f  %@  %@  train %.1f s  eval %.1f s",
                         r.epoch, epochs, r.trainLoss, train, tests, r.trainSeconds, r.evalSeconds))
        }
    }
}
