import Tensor

/// Counts found while verifying a data set.
public struct VerificationReport: Sendable {
    public let id: DatasetID
    public let location: DataLocation
    public let trainCount: Int
    public let testCount: Int
    public let trainClassCounts: [Int]
    public let testClassCounts: [Int]
}

/// Reads, validates and converts a data set's files. Every file is checked
/// for structure (magic, dimensions, sizes, counts, labels) and then for the
/// SHA-256 of its decompressed bytes before a single value is used.
public struct DatasetLoader: Sendable {
    public var locator: DataLocator

    public init(locator: DataLocator = DataLocator()) {
        self.locator = locator
    }

    /// - Parameter validation: training images to hold out as a validation
    ///   split (`Dataset.splitValidation`); 0 for none. Split here, so the
    ///   full training matrix is freed before training and a run holds each
    ///   image once.
    public func load(_ id: DatasetID, validation: Int = 0, ledger: Ledger = .shared) throws(DatasetError) -> Dataset {
        let info = id.info
        let location = try locator.locate(info)
        let train = try loadSplit(.train, info: info, location: location, ledger: ledger)
        let test = try loadSplit(.test, info: info, location: location, ledger: ledger)
        let full = Dataset(info: info, train: train, test: test, location: location)
        return validation > 0 ? try full.splitValidation(count: validation, ledger: ledger) : full
    }

    /// Loads everything and checks the class counts against the catalog.
    public func verify(_ id: DatasetID) throws(DatasetError) -> VerificationReport {
        let data = try load(id, ledger: Ledger())
        let info = data.info
        let trainCounts = data.train.classCounts(), testCounts = data.test.classCounts()
        if trainCounts != info.trainClassCounts {
            throw .classCounts(path: data.location.directory + " (train)", expected: info.trainClassCounts, found: trainCounts)
        }
        if testCounts != info.testClassCounts {
            throw .classCounts(path: data.location.directory + " (test)", expected: info.testClassCounts, found: testCounts)
        }
        return VerificationReport(id: id, location: data.location, trainCount: data.train.count,
                                  testCount: data.test.count, trainClassCounts: trainCounts,
                                  testClassCounts: testCounts)
    }

    func loadSplit(_ split: Split, info: DatasetInfo, location: DataLocation,
                   ledger: Ledger) throws(DatasetError) -> LabeledImages {
        let count = split == .train ? info.trainCount : info.testCount
        let files = info.files.indices.filter { info.files[$0].split == split }
        let images = ByteMatrix(rows: count, cols: info.inputSize, category: .dataset, ledger: ledger)
        var labels = [Int32]()
        labels.reserveCapacity(count)
        let classes = info.classCount

        if info.files[files[0]].format == .cifarBatch {
            let perBatch = count / files.count
            for (b, f) in files.enumerated() {
                let path = location.paths[f]
                let bytes = try DataFileReader.read(path: path, limit: info.files[f].byteCount)
                _ = try CIFAR.checkBatch(bytes, path: path, expectedCount: perBatch, classes: classes)
                try checkHash(bytes, info.files[f], path)
                bytes.withUnsafeBufferPointer { p in
                    for i in 0..<perBatch {
                        let rec = p.baseAddress! + i * CIFAR.recordBytes
                        labels.append(Int32(rec[0]))
                        images.row(b * perBatch + i).update(from: rec + 1, count: CIFAR.pixelsPerRecord)
                    }
                }
            }
        } else {
            let imageIndex = files.first { info.files[$0].format == .idxImages }!
            let labelIndex = files.first { info.files[$0].format == .idxLabels }!
            let imagePath = location.paths[imageIndex], labelPath = location.paths[labelIndex]
            // Structure of both files first, so the error names what is wrong
            // with a file rather than only that its hash differs.
            let imageBytes = try DataFileReader.read(path: imagePath, limit: info.files[imageIndex].byteCount)
            let (n, offset) = try IDX.checkImages(imageBytes, path: imagePath, rows: info.imageShape.0,
                                                  cols: info.imageShape.1, expectedCount: count)
            let labelBytes = try DataFileReader.read(path: labelPath, limit: info.files[labelIndex].byteCount)
            let (_, labelOffset) = try IDX.checkLabels(labelBytes, path: labelPath, expectedCount: count, classes: classes)
            try checkHash(imageBytes, info.files[imageIndex], imagePath)
            try checkHash(labelBytes, info.files[labelIndex], labelPath)
            imageBytes.withUnsafeBufferPointer { p in
                images.data.update(from: p.baseAddress! + offset, count: n * info.inputSize)
            }
            for i in 0..<n { labels.append(Int32(labelBytes[labelOffset + i])) }
        }
        return LabeledImages(images: images, labels: labels, classCount: classes)
    }

    private func checkHash(_ bytes: [UInt8], _ file: DataFile, _ path: String) throws(DatasetError) {
        let digest = SHA256.hex(bytes)
        guard digest == file.sha256 else { throw .checksumMismatch(path: path, expected: file.sha256, found: digest) }
    }

    /// Pixels 0…255 to Float32 in [0, 1].
}
