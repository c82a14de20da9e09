import Datasets
import Foundation

/// Every option a training run takes, defined once: `ffbench train`'s
/// flags (`--batch-size 100`), a study spec's keys (`batch-size: 100`)
/// and a bench grid's settings are all read through this table, so they
/// cannot drift apart. Each option checks its own value and says its limits.
public enum RunOptions {
    public struct Option: Sendable {
        public let name: String
        /// What the value looks like, for help text: "N", "ff|bp".
        public let value: String
        public let help: String
        let set: @Sendable (inout RunSpec, String) throws(TrainingError) -> Void

        func apply(_ spec: inout RunSpec, _ value: String) throws(TrainingError) { try set(&spec, value) }
    }

    public static func named(_ name: String) -> Option? { byName[name] }
    private static let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The most BLAS threads a run may ask for: a few per core, never 100000.
    public static var maxThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) * 4 }

    public static let all: [Option] = [
        Option(name: "dataset", value: "mnist|fashion-mnist|cifar10", help: "Data set.") { s, v throws(TrainingError) in
            do { s.dataset = try DatasetID(parsing: v) } catch {
                throw .badValue(option: "dataset", value: v, expected: "mnist, fashion-mnist or cifar10")
            }
        },
        Option(name: "algorithm", value: "ff|bp", help: "Forward-Forward or backprop (default ff).") { _, _ throws(TrainingError) in },
        Option(name: "preset", value: "hinton|loewex", help: "Named settings: hinton (official ffnew.m) or loewex (a PyTorch port); other options override it.") { _, _ throws(TrainingError) in },
        Option(name: "layers", value: "NxW|784-W-…|lcN", help: "Hidden layers: COUNTxWIDTH (4x2000) or a list starting with the input size (784-2000-2000), at most 64 layers of 100000 units; or locally connected maps of the image's size: lc2, lc3 (the paper's CIFAR-10 nets, 3 units per location, 11x11 fields) or lcN:UxK. Default 4x2000.") { s, v throws(TrainingError) in
            _ = try LayerSpec(parsing: v)
            s.config.layers = v
        },
        Option(name: "epochs", value: "N", help: "Epochs, 1 to 100000 (default 60).") { s, v throws(TrainingError) in
            s.config.epochs = try int("epochs", v, 1...100_000)
        },
        Option(name: "batch-size", value: "N", help: "Mini-batch size, 1 to 1000000 and at most the training set (default 100).") { s, v throws(TrainingError) in
            s.config.batchSize = try int("batch-size", v, 1...1_000_000)
        },
        Option(name: "seed", value: "N", help: "The one seed behind every random choice (initialisation, shuffling, negatives): 0 to 2^64 - 1 (default 1).") { s, v throws(TrainingError) in
            guard let seed = UInt64(v.trimmingCharacters(in: .whitespaces)) else {
                throw .badValue(option: "seed", value: v, expected: "a whole number from 0 to 18446744073709551615")
            }
            s.config.seed = seed
        },
        Option(name: "optimizer", value: "sgd|adam", help: "Optimizer (default sgd).") { s, v throws(TrainingError) in
            s.config.optimizer.kind = try choice(TrainingConfig.OptimizerKind.self, "optimizer", v)
        },
        Option(name: "lr", value: "X", help: "Learning rate: finite, above 0.") { s, v throws(TrainingError) in
            s.config.optimizer.learningRate = try float("lr", v, "a positive finite number") { $0 > 0 }
        },
        Option(name: "momentum", value: "X", help: "SGD momentum, 0 <= m < 1 (default 0.9).") { s, v throws(TrainingError) in
            s.config.optimizer.momentum = try float("momentum", v, "0 <= m < 1") { $0 >= 0 && $0 < 1 }
        },
        Option(name: "dampening", value: "X", help: "SGD dampening, 0 to 1; equal to the momentum gives Hinton's smoothed gradient.") { s, v throws(TrainingError) in
            s.config.optimizer.dampening = try float("dampening", v, "0 <= d <= 1") { $0 >= 0 && $0 <= 1 }
        },
        Option(name: "weight-decay", value: "X", help: "Weight decay (L2): finite, 0 or more.") { s, v throws(TrainingError) in
            s.config.optimizer.weightDecay = try float("weight-decay", v, "0 or more, finite") { $0 >= 0 }
        },
        Option(name: "decay-style", value: "in-gradient|separate", help: "Weight decay in the gradient (usual L2) or separate (Hinton's, outside the momentum).") { s, v throws(TrainingError) in
            s.config.optimizer.decayStyle = try choice(TrainingConfig.DecayStyleName.self, "decay-style", v)
        },
        Option(name: "schedule", value: "constant|half-linear", help: "Learning-rate schedule: constant, or half-linear (constant, then linear decay to 0 over the second half).") { s, v throws(TrainingError) in
            s.config.schedule = try choice(TrainingConfig.Schedule.self, "schedule", v)
        },
        Option(name: "threads", value: "N", help: "Compute threads (products are split over them), 1 to 4 per core of this machine; the count changes the speed, never the numbers.") { s, v throws(TrainingError) in
            s.config.threads = try int("threads", v, 1...maxThreads)
        },
        Option(name: "label-value", value: "X", help: "FF: value of the one-hot label in the first 10 inputs, finite and above 0 (default 1, the pixel scale).") { s, v throws(TrainingError) in
            s.config.ff.labelValue = try float("label-value", v, "a positive finite number") { $0 > 0 }
        },
        Option(name: "threshold", value: "X", help: "FF: goodness threshold, finite and above 0 (default: the number of units in the layer).") { s, v throws(TrainingError) in
            s.config.ff.threshold = try float("threshold", v, "a positive finite number") { $0 > 0 }
        },
        Option(name: "negatives", value: "hard|random", help: "FF: negative labels, hard (from the softmax head, true label masked) or random (uniform among wrong labels).") { s, v throws(TrainingError) in
            s.config.ff.negatives = try choice(TrainingConfig.Negatives.self, "negatives", v)
        },
        Option(name: "layer-schedule", value: "simultaneous|greedy", help: "FF: all layers every batch, or one layer to completion, then the next.") { s, v throws(TrainingError) in
            s.config.ff.layerSchedule = try choice(TrainingConfig.LayerSchedule.self, "layer-schedule", v)
        },
        Option(name: "peer-normalization", value: "X", help: "FF: peer normalisation strength, 0 or more, finite (0 turns it off; default 0.03).") { s, v throws(TrainingError) in
            s.config.ff.peerNormalization = try float("peer-normalization", v, "0 or more, finite") { $0 >= 0 }
        },
        Option(name: "goodness-from", value: "N", help: "FF: first hidden layer (1-based) whose goodness counts for prediction (default 2).") { s, v throws(TrainingError) in
            s.config.ff.goodnessFromLayer = try int("goodness-from", v, 1...64)
        },
        Option(name: "head-from", value: "N", help: "FF: first hidden layer (1-based) feeding the softmax head (default 2).") { s, v throws(TrainingError) in
            s.config.ff.headFromLayer = try int("head-from", v, 1...64)
        },
        Option(name: "softmax-head", value: "yes|no", help: "FF: train Hinton's softmax head on a neutral-label pass: yes (default) or no (plain FF: needs negatives random; prediction by goodness; no training error).") { s, v throws(TrainingError) in
            s.config.ff.softmaxHead = try yesNo("softmax-head", v)
        },
        Option(name: "micro-batch", value: "M", help: "BP: gradient accumulation, each batch in micro-batches of M examples with one optimizer step per batch (activations held for M at a time), 1 to 1000000.") { s, v throws(TrainingError) in
            s.config.microBatch = try int("micro-batch", v, 1...1_000_000)
        },
        Option(name: "checkpoint", value: "K|sqrt", help: "BP: activation checkpointing, keep every K-th hidden layer's activations and recompute the rest in the backward pass (sqrt: K = ceil(sqrt(depth))).") { s, v throws(TrainingError) in
            guard v == "sqrt" || Int(v).map({ (1...4096).contains($0) }) == true else {
                throw .badValue(option: "checkpoint", value: v, expected: "sqrt or a whole number of layers from 1 to 4096")
            }
            s.config.checkpoint = v
        },
        Option(name: "batches", value: "N", help: "Train at most N batches per epoch, 1 to 1000000 (default: the whole training set); for memory studies whose epochs are too long.") { s, v throws(TrainingError) in
            s.config.batchesPerEpoch = try int("batches", v, 1...1_000_000)
        },
        Option(name: "eval-every", value: "N", help: "Evaluate every N epochs and after the last, 1 to 100000 (default 1: every epoch).") { s, v throws(TrainingError) in
            s.config.evalEvery = try int("eval-every", v, 1...100_000)
        },
        Option(name: "test-every", value: "N", help: "With a validation split, score the test set at the first epoch, every Nth and the last, 1 to 100000 (default 10; 1: every evaluated epoch). Selection reads the validation split.") { s, v throws(TrainingError) in
            s.config.testEvery = try int("test-every", v, 1...100_000)
        },
        Option(name: "validation", value: "N", help: "Training images held out as a validation split for selection (stratified, fixed seed; default 10000 for mnist and fashion-mnist, 5000 for cifar10; 0: none, and selection then reads the test set).") { s, v throws(TrainingError) in
            s.config.validation = try int("validation", v, 0...1_000_000, expected: "0 or more images")
        },
        Option(name: "center-inputs", value: "yes|no", help: "FF: subtract the training set's mean image first (default: yes on cifar10 only).") { s, v throws(TrainingError) in
            s.config.ff.centerInputs = try yesNo("center-inputs", v)
        },
        Option(name: "goodness", value: "max-ssq|min-ssq", help: "FF: positive data should make each layer's sum of squared activities high (max-ssq, the default) or low (min-ssq); goodness prediction picks the label with the highest, or lowest, sum.") { s, v throws(TrainingError) in
            s.config.ff.goodness = try choice(TrainingConfig.GoodnessKind.self, "goodness", v)
        },
        Option(name: "predict", value: "goodness|softmax", help: "FF: which prediction is the run's test error (both are reported).") { s, v throws(TrainingError) in
            s.config.ff.prediction = try choice(TrainingConfig.Prediction.self, "predict", v)
        },
        Option(name: "head-lr", value: "X", help: "FF: softmax head learning rate, finite and above 0 (default 0.1).") { s, v throws(TrainingError) in
            s.config.ff.head.learningRate = try float("head-lr", v, "a positive finite number") { $0 > 0 }
        },
        Option(name: "head-weight-decay", value: "X", help: "FF: softmax head weight decay, 0 or more (default 0.003).") { s, v throws(TrainingError) in
            s.config.ff.head.weightDecay = try float("head-weight-decay", v, "0 or more, finite") { $0 >= 0 }
        },
        Option(name: "stack-memory", value: "MiB", help: "FF: extra activation memory (0 to 1048576 MiB) for running the positive and negative streams through each layer as one stacked GEMM and keeping the neutral stream's outputs, used only if it fits (default 64; 0: one stream at a time).") { s, v throws(TrainingError) in
            guard let m = Int(v.trimmingCharacters(in: .whitespaces)), (0...1_048_576).contains(m) else {
                throw .badValue(option: "stack-memory", value: v, expected: "0 to 1048576 MiB")
            }
            s.config.ff.stackMemoryMiB = m
        },
    ]

    /// Checks one option's value on its own (for runs described, not resolved).
    public static func check(_ name: String, _ value: String) throws(TrainingError) {
        guard let o = named(name) else { throw .unknownOption(name, known: all.map(\.name)) }
        var scratch = RunSpec(dataset: .mnist, config: RunSpec.defaults(algorithm: .ff, preset: nil))
        try o.apply(&scratch, value)
    }

    // MARK: - Values

    /// Whole numbers in a range: an out-of-range number is shown bare ("epochs -3").
    static func int(_ name: String, _ v: String, _ range: ClosedRange<Int>, expected: String? = nil) throws(TrainingError) -> Int {
        guard let n = Int(v.trimmingCharacters(in: .whitespaces)) else {
            throw .badValue(option: name, value: v, expected: "a whole number")
        }
        guard range.contains(n) else {
            let words = expected ?? (range.lowerBound == 1 ? "a positive number (at most \(range.upperBound))" : "\(range.lowerBound) to \(range.upperBound)")
            throw .badValue(option: name, value: String(n), expected: words, quoted: false)
        }
        return n
    }

    /// Finite single-precision numbers that pass `valid` (1e400 and nan are refused).
    static func float(_ name: String, _ v: String, _ expected: String, _ valid: (Float) -> Bool) throws(TrainingError) -> Float {
        guard let d = Double(v.trimmingCharacters(in: .whitespaces)), d.isFinite, Float(d).isFinite, valid(Float(d)) else {
            throw .badValue(option: name, value: v, expected: expected)
        }
        return Float(d)
    }

    static func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ name: String, _ v: String) throws(TrainingError) -> T where T.RawValue == String {
        guard let value = T(rawValue: v.trimmingCharacters(in: .whitespaces)) else {
            let all = T.allCases.map(\.rawValue)
            throw .badValue(option: name, value: v, expected: all.dropLast().joined(separator: ", ") + " or " + all.last!)
        }
        return value
    }

    static func yesNo(_ name: String, _ v: String) throws(TrainingError) -> Bool {
        switch v.trimmingCharacters(in: .whitespaces).lowercased() {
        case "yes", "true": return true
        case "no", "false": return false
        default: throw .badValue(option: name, value: v, expected: "yes or no")
        }
    }

    // MARK: - Command lines

    /// `--name value` and `--name=value` pairs of a command line, in order.
    public static func parse(arguments: [String]) throws(TrainingError) -> [(name: String, value: String)] {
        var out: [(String, String)] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            guard a.hasPrefix("--"), a.count > 2 else {
                throw .badValue(option: a, value: a, expected: "an option such as --epochs 10")
            }
            var name = String(a.dropFirst(2)), value: String
            if let eq = name.firstIndex(of: "=") {
                value = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
                guard named(name) != nil else { throw .unknownOption(name, known: all.map(\.name)) }
            } else {
                guard named(name) != nil else { throw .unknownOption(name, known: all.map(\.name)) }
                guard i + 1 < arguments.count else { throw .missingValue(name) }
                value = arguments[i + 1]
                i += 1
            }
            out.append((name, value))
            i += 1
        }
        return out
    }

    /// The table as help text for a command line: the flag, then its help
    /// wrapped and indented below it.
    public static var help: String {
        all.map { o in
            var lines = ["  --\(o.name) <\(o.value)>"], line = "     "
            for word in o.help.split(separator: " ") {
                if line.count + word.count > 76 { lines.append(line); line = "     " }
                line += " " + word
            }
            return (lines + [line]).joined(separator: "\n")
        }.joined(separator: "\n")
    }
}

