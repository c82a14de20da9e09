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
            let ff = loop.model as? FFNetwork
            let optimizers = ff?.optimizers ?? (loop.model as? BPNetwork)?.optimizers ?? []
            for (l, layer) in loop.layers.enumerated() {
                try put("\(stage)/layer\(l + 1).weight", layer.weight.values, [layer.inputs, layer.outputs])
                try put("\(stage)/layer\(l + 1).bias", layer.bias.values, [layer.outputs])
                // The momentum state after the step is the (smoothed) gradient: compared directly, not through a tiny weight change.
                if stage == "after", let sgd = optimizers[l] as? SGD {
                    try put("momentum/layer\(l + 1).weight", sgd.momentumState[0].values, [layer.inputs, layer.outputs])
                    try put("momentum/layer\(l + 1).bias", sgd.momentumState[1].values, [layer.outputs])
                }
            }
            guard let ff else { return }
            for (l, h) in ff.head.enumerated() {
                guard let h, let i = ff.headIndex[l] else { continue }
                try put("\(stage)/head\(l + 1)", h.values, [h.rows, h.cols])
                if stage == "after", let sgd = ff.headOptimizer as? SGD { try put("momentum/head\(l + 1)", sgd.momentumState[i].values, [h.rows, h.cols]) }
            }
            for (l, m) in ff.peer.means.enumerated() { try put("\(stage)/peer\(l + 1)", m.values, [m.cols]) }
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
            if let ff = loop.model as? FFNetwork { negatives += (0..<n).map { ff.negativeLabels[$0] } }
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

extension TrainingLoop {
    /// The model's dense layers (FF's hidden layers; BP's hidden and output layers).
    var layers: [DenseLayer] {
        (model as? FFNetwork)?.layers ?? (model as? BPNetwork)?.layers ?? []
    }
}
