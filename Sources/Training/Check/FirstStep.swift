import Datasets
import Exports
import Foundation
import Tensor

/// The first training step of a run, written out so that another
/// implementation (ports/pytorch/check_step.py) can be checked against
/// ffbench: the initial parameters, the first batch, FF's negative labels,
/// the batch's loss and every parameter after the step. Tensors are raw
/// little-endian float32 (labels and indices int32), row-major, listed
/// with their shapes in manifest.json.
public enum FirstStep {
    public struct Tensor: Codable, Sendable {
        public var name: String, file: String, shape: [Int], dtype: String
    }

    public struct Manifest: Codable, Sendable {
        public var algorithm: String
        public var dataset: String
        public var widths: [Int]
        public var batchSize: Int
        public var seed: UInt64
        public var validation: Int
        public var learningRateScale: Float
        /// Each step's loss summed over its batch, as `BatchStats.loss`: every layer's FF loss plus the head's cross-entropy (BP: the cross-entropy).
        public var losses: [Double]
        public var tensors: [Tensor]
        /// Every setting of the run, so a checker can refuse settings its port does not implement.
        public var spec: RunSpec

        enum CodingKeys: String, CodingKey {
            case algorithm, dataset, widths, seed, validation, losses, tensors, spec
            case batchSize = "batch_size"
            case learningRateScale = "learning_rate_scale"
        }
    }

    /// Trains the first `steps` batches of `spec` on `data` (split as the run would be) and writes them to `folder`.
    public static func write(spec: RunSpec, data: Dataset, steps: Int = 1, to folder: String) throws -> Manifest {
        let config = spec.config
        let v = config.validation ?? 0
        let data = v > 0 && data.validation == nil ? try data.splitValidation(count: v) : data
        let loop = try TrainingLoop(config: config, data: data)
        let train = BatchIterator(source: data.train, batchSize: config.batchSize, shuffleSeed: config.seed, dropLast: true)
        train.startEpoch(1)
        guard (1...train.batchCount).contains(steps) else {
            throw TrainingError.badValue(option: "steps", value: String(steps), expected: "1 to \(train.batchCount) (the batches of an epoch)", quoted: false)
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var tensors: [Tensor] = []
        func put(_ name: String, _ values: [Float], _ shape: [Int]) throws {
            let file = name.replacingOccurrences(of: "/", with: "_") + ".f32"
            try values.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: folder + "/" + file)) }
            tensors.append(Tensor(name: name, file: file, shape: shape, dtype: "float32"))
        }
        func putInts(_ name: String, _ values: [Int32]) throws {
            let file = name + ".i32"
            try values.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: folder + "/" + file)) }
            tensors.append(Tensor(name: name, file: file, shape: [values.count], dtype: "int32"))
        }
        func parameters(_ stage: String) throws {
            for t in trained(loop.model) {
                try put("\(stage)/\(t.name)", t.value.values, t.shape)
                // The momentum state after the step is the (smoothed) gradient: compared directly, not through a tiny weight change.
                if stage == "after", let sgd = t.optimizer as? SGD { try put("momentum/\(t.name)", sgd.momentumState[t.index].values, t.shape) }
            }
            let peer = (loop.model as? FFNetwork)?.peer ?? (loop.model as? LocalFFNetwork)?.peer
            for (l, m) in (peer?.means ?? []).enumerated() { try put("\(stage)/peer\(l + 1)", m.values, [m.cols]) }
        }
        try parameters("before")
        let scale = config.learningRateScale(epoch: 1)
        var indices: [Int32] = [], labels: [Int32] = [], negatives: [Int32] = [], images: [Float] = [], losses: [Double] = []
        for _ in 0..<steps {
            guard let n = train.next() else { break }
            indices += train.batchIndices.map { Int32($0) }
            labels += (0..<n).map { train.labels[$0] }
            images += train.x.values
            losses.append(loop.model.trainBatch(train.x, labels: train.labels, learningRateScale: scale).loss)
            if let chosen = (loop.model as? FFNetwork)?.negativeLabels ?? (loop.model as? LocalFFNetwork)?.negativeLabels {
                negatives += (0..<n).map { chosen[$0] }
            }
        }
        try putInts("batch_indices", indices)
        try putInts("batch_labels", labels)
        if !negatives.isEmpty { try putInts("negative_labels", negatives) }
        // What the steps saw: each batch's pixels, in batch order.
        try put("batch_images", images, [indices.count, train.x.cols])
        try parameters("after")
        let manifest = Manifest(algorithm: config.algorithm.rawValue, dataset: spec.dataset.rawValue, widths: loop.widths,
                                batchSize: train.batchSize, seed: config.seed, validation: config.validation ?? 0, learningRateScale: scale,
                                losses: losses, tensors: tensors, spec: spec)
        try JSONOutput.string(manifest).write(toFile: folder + "/manifest.json", atomically: true, encoding: .utf8)
        return manifest
    }
}

extension FirstStep {
    /// A trained tensor: its name in the step folder, its value and shape,
    /// and the optimizer (with the index among its parameters) that updates it.
    struct Trained {
        let name: String, value: Matrix, shape: [Int], optimizer: Optimizer, index: Int
    }

    /// Every trained tensor of a model, in the names the ports use: layerN
    /// (dense: inputs x outputs; locally connected: one row per location and
    /// unit), BP's output layer after the hidden ones, FF's label weights
    /// (locally connected) and head layers.
    static func trained(_ model: Model) -> [Trained] {
        func dense(_ l: Int, _ d: DenseLayer, _ o: Optimizer) -> [Trained] {
            [Trained(name: "layer\(l + 1).weight", value: d.weight, shape: [d.inputs, d.outputs], optimizer: o, index: 0),
             Trained(name: "layer\(l + 1).bias", value: d.bias, shape: [d.outputs], optimizer: o, index: 1)]
        }
        func local(_ l: Int, _ d: LocalLayer, _ o: Optimizer) -> [Trained] {
            [Trained(name: "layer\(l + 1).weight", value: d.weight, shape: [d.shape.outputs, d.shape.fanIn], optimizer: o, index: 0),
             Trained(name: "layer\(l + 1).bias", value: d.bias, shape: [d.shape.outputs], optimizer: o, index: 1)]
        }
        func head(_ head: [Matrix?], _ index: [Int?], _ o: Optimizer) -> [Trained] {
            head.indices.compactMap { l in
                guard let h = head[l], let i = index[l] else { return nil }
                return Trained(name: "head\(l + 1)", value: h, shape: [h.rows, h.cols], optimizer: o, index: i)
            }
        }
        switch model {
        case let m as BPNetwork: return m.layers.indices.flatMap { dense($0, m.layers[$0], m.optimizers[$0]) }
        case let m as FFNetwork:
            return m.layers.indices.flatMap { dense($0, m.layers[$0], m.optimizers[$0]) } + head(m.head, m.headIndex, m.headOptimizer)
        case let m as LocalBPNetwork:
            return m.layers.indices.flatMap { local($0, m.layers[$0], m.optimizers[$0]) } + dense(m.layers.count, m.output, m.optimizers[m.layers.count])
        case let m as LocalFFNetwork:
            return m.layers.indices.flatMap { local($0, m.layers[$0], m.optimizers[$0]) }
                + [Trained(name: "label_weight", value: m.labelWeight, shape: [m.labelWeight.rows, m.labelWeight.cols], optimizer: m.optimizers[0], index: 2)]
                + head(m.head, m.headIndex, m.headOptimizer)
        default: return []
        }
    }
}
