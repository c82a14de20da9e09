import Exports
import Foundation
import RunStore
import Training

extension EpochLine {
    /// The wire form of what the trainer measured (peaks are the recorder's to add).
    public init(_ r: EpochResult) {
        self.init(epoch: r.epoch, trainLoss: r.trainLoss, trainError: r.trainError, testError: r.testError,
                  validationError: r.validationError, testErrorGoodness: r.testErrorGoodness, testErrorSoftmax: r.testErrorSoftmax,
                  trainSeconds: r.trainSeconds, evalSeconds: r.evalSeconds, learningRate: r.learningRate)
    }

    /// One line of JSON (what `ffbench train --format json` prints).
    public var json: String {
        JSONOutput.line(self)
    }
}

/// Reads a command's stdout lines: a JSON object with an integer `epoch`
/// is an epoch line; anything else passes through. Values are checked as
/// the store needs them (epoch ≥ 1, errors in [0, 1], times and bytes ≥ 0, training time > 0);
/// Python's NaN / Infinity tokens are read as missing values, with a
/// warning, so such an epoch is kept rather than lost.
public enum EpochLineReader {
    public enum Result: Equatable {
        case epoch(EpochLine, warnings: [String])
        /// An epoch line that cannot be stored, and why.
        case refused(String)
        case other
    }

    public static func read(_ text: String, decoder: JSONDecoder = JSONDecoder()) -> Result {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        // Whether the object has an `epoch` key is JSON's to say (a key may be spelled with escapes, "\u0065poch").
        guard trimmed.hasPrefix("{"), trimmed.contains("\"epoch\"") || trimmed.contains("\\u") else { return .other }
        var warnings: [String] = []
        let (clean, replaced) = nullingNonFinite(trimmed)
        if !replaced.isEmpty { warnings.append("\(replaced.joined(separator: ", ")) read as missing values") }
        let line: EpochLine
        do { line = try decoder.decode(EpochLine.self, from: Data(clean.utf8)) } catch {
            guard let object = try? JSONSerialization.jsonObject(with: Data(clean.utf8)) as? [String: Any], object["epoch"] != nil else {
                return .other
            }
            return .refused(fieldProblem(object) ?? "not a valid epoch line (\(describe(error)))")
        }
        if let problem = problem(line) { return .refused(problem) }
        return .epoch(line, warnings: warnings)
    }

    /// What is wrong with a decoded line, if anything.
    static func problem(_ l: EpochLine) -> String? {
        if l.epoch < 1 { return "epoch \(l.epoch): expected 1 or more" }
        for (name, v) in [("train_error", l.trainError), ("test_error", l.testError), ("validation_error", l.validationError),
                          ("test_error_goodness", l.testErrorGoodness), ("test_error_softmax", l.testErrorSoftmax)] {
            if let v, !(0...1).contains(v) { return "\(name) \(v): expected an error rate from 0 to 1" }
        }
        for (name, v) in [("train_seconds", l.trainSeconds), ("eval_seconds", l.evalSeconds), ("train_loss", l.trainLoss),
                          ("learning_rate", l.learningRate)] {
            if let v, !v.isFinite { return "\(name) \(v): expected a finite number" }
            if let v, v < 0, name.hasSuffix("seconds") { return "\(name) \(v): expected 0 or more" }
            // An epoch that trained took time: a 0 would make any ratio against it meaningless.
            if let v, v == 0, name == "train_seconds" { return "train_seconds 0: an epoch that trained takes time (expected more than 0)" }
        }
        for (name, v) in [("peak_rss_bytes", l.peakRSSBytes), ("peak_tensor_bytes", l.peakTensorBytes),
                          ("peak_activation_bytes", l.peakActivationBytes), ("cuda_max_allocated_bytes", l.cudaMaxAllocatedBytes),
                          ("cuda_max_reserved_bytes", l.cudaMaxReservedBytes)] {
            if let v, v < 0 { return "\(name) \(v): expected 0 or more bytes" }
        }
        return nil
    }

    /// Which field JSONDecoder could not read, in words (it only says "not valid JSON").
    static func fieldProblem(_ object: [String: Any]) -> String? {
        let integers: Set<String> = ["epoch", "peak_rss_bytes", "peak_tensor_bytes", "peak_activation_bytes", "cuda_max_allocated_bytes",
                                     "cuda_max_reserved_bytes"]
        for key in EpochLine.keys {
            guard let value = object[key], !(value is NSNull) else { continue }
            guard let n = value as? NSNumber, !String(describing: type(of: value)).contains("Boolean") else { return "\(key): expected a number" }
            if integers.contains(key) {
                let d = n.doubleValue
                guard d == d.rounded(), abs(d) < 9.2e18 else { return "\(key) \(n): expected a whole number below 2^63" }
            }
        }
        return nil
    }

    /// NaN, Infinity and -Infinity outside strings become null.
    static func nullingNonFinite(_ s: String) -> (String, [String]) {
        var out = "", replaced: [String] = []
        var inString = false, escaped = false
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if inString {
                out.append(c)
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                i = s.index(after: i)
                continue
            }
            if c == "\"" { inString = true; out.append(c); i = s.index(after: i); continue }
            var matched = false
            for token in ["-Infinity", "Infinity", "NaN"] where s[i...].hasPrefix(token) {
                out += "null"
                if !replaced.contains(token) { replaced.append(token) }
                i = s.index(i, offsetBy: token.count)
                matched = true
                break
            }
            if !matched { out.append(c); i = s.index(after: i) }
        }
        return (out, replaced)
    }

    static func describe(_ error: Error) -> String {
        switch error as? DecodingError {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            let path = c.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? c.debugDescription : "\(path): \(c.debugDescription)"
        case .keyNotFound(let key, _): return "missing \(key.stringValue)"
        default: return "\(error)"
        }
    }
}
