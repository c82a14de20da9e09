import Foundation
import Recorder
import RunStore
import Tensor
import Training

/// Prints `ffbench train`'s progress bar (on a terminal) and one line per epoch.
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
            Console.line(EpochLine(r).json)
        case .text:
            var tests = (r.validationError.map { String(format: "val err %.2f%%  ", 100 * $0) } ?? "")
                + (r.testError.map { String(format: "test err %.2f%%", 100 * $0) } ?? "test err (not evaluated)")
            if let g = r.testErrorGoodness, let s = r.testErrorSoftmax {
                tests += String(format: " (goodness %.2f%%, softmax %.2f%%)", 100 * g, 100 * s)
            }
            let train = r.trainError.map { String(format: "train err %.2f%%", 100 * $0) } ?? "train err –"
            Console.line(String(format: "epoch %d/%d  loss %.4f  %@  %@  train %.1f s  eval %.1f s",
                                r.epoch, epochs, r.trainLoss, train, tests, r.trainSeconds, r.evalSeconds))
        }
    }
}
