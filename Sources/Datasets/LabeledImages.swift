import Tensor

/// Images as the files hold them, one byte per pixel (one row per image),
/// with their labels; batches are scaled to [0, 1] in Float32 when they
/// are gathered (`BatchIterator`), so the data set costs a quarter of what
/// it would as Float32. The bytes are registered in the ledger as `dataset`.
public final class LabeledImages {
    public let images: ByteMatrix
    public let labels: [Int32]
    public let classCount: Int

    public init(images: ByteMatrix, labels: [Int32], classCount: Int) {
        precondition(images.rows == labels.count, "one label per image")
        self.images = images
        self.labels = labels
        self.classCount = classCount
    }

    public var count: Int { labels.count }
    public var inputSize: Int { images.cols }

    public func classCounts() -> [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for l in labels { counts[Int(l)] += 1 }
        return counts
    }

    /// A new set holding the given rows, in that order.
    /// The mean of every input over the set (1 x inputSize), summed in Double.
    public func meanImage(ledger: Ledger = .shared) -> Matrix {
        let n = inputSize
        var sums = [Double](repeating: 0, count: n)
        for r in 0..<count {
            let p = images.row(r)
            for j in 0..<n { sums[j] += Double(ByteMatrix.scaled(p[j])) }
        }
        let mean = Matrix(rows: 1, cols: n, category: .dataset, ledger: ledger)
        for j in 0..<n { mean.data[j] = Float(sums[j] / Double(max(count, 1))) }
        return mean
    }

    public func subset(_ indices: some Collection<Int>, ledger: Ledger = .shared) -> LabeledImages {
        let m = ByteMatrix(rows: indices.count, cols: inputSize, category: .dataset, ledger: ledger)
        var newLabels = [Int32]()
        newLabels.reserveCapacity(indices.count)
        for (r, i) in indices.enumerated() {
            m.row(r).update(from: images.row(i), count: inputSize)
            newLabels.append(labels[i])
        }
        return LabeledImages(images: m, labels: newLabels, classCount: classCount)
    }
}

/// A loaded data set: train and test sets, and where the files came from.
public final class Dataset {
    public let info: DatasetInfo
    public let train: LabeledImages
    public let test: LabeledImages
    /// Held out from the training set by `splitValidation`, if asked.
    public let validation: LabeledImages?
    public let location: DataLocation

    public init(info: DatasetInfo, train: LabeledImages, test: LabeledImages,
                validation: LabeledImages? = nil, location: DataLocation) {
        self.info = info
        self.train = train
        self.test = test
        self.validation = validation
        self.location = location
    }

    /// The seed of every validation split: fixed, not the run's, so every
    /// run of a study (any arm, any seed) holds out the same images.
    public static let validationSeed: UInt64 = 0x5EED_0FA1_1DA7

    /// Carves `count` training images out as a validation set, stratified by
    /// class (each class gives its share, largest remainders first) and
    /// chosen by a seeded permutation within each class. Both sets keep the
    /// original order of their images.
    public func splitValidation(count: Int, seed: UInt64 = validationSeed, ledger: Ledger = .shared) throws(DatasetError) -> Dataset {
        guard count > 0 && count < train.count else {
            throw .badSplit("size \(count) must be between 1 and \(train.count - 1) (training set size - 1)")
        }
        var byClass = [[Int]](repeating: [], count: train.classCount)
        for (i, l) in train.labels.enumerated() { byClass[Int(l)].append(i) }
        // Largest-remainder allocation of `count` over the classes.
        let exact = byClass.map { Double($0.count) * Double(count) / Double(train.count) }
        var quota = exact.map { Int($0.rounded(.down)) }
        let order = exact.indices.sorted { (exact[$0] - Double(quota[$0]), -$0) > (exact[$1] - Double(quota[$1]), -$1) }
        for k in order.prefix(count - quota.reduce(0, +)) { quota[k] += 1 }
        var held: [Int] = []
        for (k, indices) in byClass.enumerated() where quota[k] > 0 {
            var rng = RNG(seed: seed, stream: 0x5a11_0000 &+ UInt64(k))
            let permutation = rng.permutation(indices.count)
            held += permutation.prefix(quota[k]).map { indices[$0] }
        }
        held.sort()
        var isHeld = [Bool](repeating: false, count: train.count)
        for i in held { isHeld[i] = true }
        let validation = train.subset(held, ledger: ledger)
        let trainSet = train.subset((0..<train.count).filter { !isHeld[$0] }, ledger: ledger)
        return Dataset(info: info, train: trainSet, test: test, validation: validation, location: location)
    }
}
