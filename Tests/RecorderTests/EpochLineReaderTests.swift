import Foundation
import RunStore
import Testing
@testable import Recorder

/// Epoch lines from external commands: stored when they are sound, refused
/// with a reason when not, NaN and Infinity kept as missing values with a
/// warning, never silently lost.
@Suite struct EpochLineReaderTests {
    @Test func soundLinesAreEpochs() {
        let r = EpochLineReader.read(#"{"epoch": 2, "test_error": 0.05, "validation_error": 0.06, "train_seconds": 1.5, "peak_rss_bytes": 1000}"#)
        guard case .epoch(let line, let warnings) = r else { Issue.record("\(r)"); return }
        #expect(line.epoch == 2 && line.testError == 0.05 && line.validationError == 0.06 && line.peakRSSBytes == 1000)
        #expect(warnings.isEmpty)
    }

    @Test func aKeySpelledWithJSONEscapesIsTheSameKey() {
        let r = EpochLineReader.read(#"{"\u0065poch": 4, "test_\u0065rror": 0.25}"#)
        guard case .epoch(let line, _) = r else { Issue.record("\(r)"); return }
        #expect(line.epoch == 4 && line.testError == 0.25)
        #expect(EpochLineReader.read(#"{"\u0061": 1}"#) == .other)
    }

    @Test func pythonsNaNAndInfinityAreMissingValuesWithAWarning() {
        let r = EpochLineReader.read(#"{"epoch": 3, "train_loss": NaN, "test_error": 0.1, "eval_seconds": Infinity, "note": "NaN stays text"}"#)
        guard case .epoch(let line, let warnings) = r else { Issue.record("\(r)"); return }
        #expect(line.epoch == 3 && line.trainLoss == nil && line.evalSeconds == nil && line.testError == 0.1)
        #expect(warnings == ["NaN, Infinity read as missing values"])
    }

    @Test(arguments: [
        (#"{"epoch": 0, "test_error": 0.1}"#, "epoch 0"),
        (#"{"epoch": -5}"#, "epoch -5"),
        (#"{"epoch": 1, "test_error": -3.5}"#, "test_error -3.5"),
        (#"{"epoch": 1, "test_error": 1.5}"#, "test_error 1.5"),
        (#"{"epoch": 1, "train_seconds": -1}"#, "train_seconds -1"),
        (#"{"epoch": 1, "train_seconds": 0}"#, "train_seconds 0: an epoch that trained takes time"),
        (#"{"epoch": 1, "peak_rss_bytes": 1e19}"#, "peak_rss_bytes"),
        (#"{"epoch": 1.5}"#, "epoch"),
        (#"{"epoch": "two"}"#, "epoch"),
    ])
    func unsoundLinesAreRefusedWithAReason(line: String, mentions: String) {
        guard case .refused(let why) = EpochLineReader.read(line) else { Issue.record("\(line) was not refused"); return }
        #expect(why.contains(mentions), "\(why)")
    }

    @Test func otherLinesPassThrough() {
        for line in ["loss went down", "{\"step\": 3}", "{not json at all", "", "[1, 2]"] {
            #expect(EpochLineReader.read(line) == .other, "\(line)")
        }
    }
}
