/// The data sets ffbench knows, with the exact content they must have.
public enum DatasetID: String, CaseIterable, Sendable, Codable {
    case mnist
    case fashionMNIST = "fashion-mnist"
    case cifar10

    public init(parsing name: String) throws(DatasetError) {
        let key = name.lowercased().replacingOccurrences(of: "_", with: "-")
        switch key {
        case "mnist": self = .mnist
        case "fashion-mnist", "fashionmnist", "fmnist": self = .fashionMNIST
        case "cifar10", "cifar-10": self = .cifar10
        default: throw .unknownDataset(name)
        }
    }

    public var info: DatasetInfo {
        switch self {
        case .mnist: .mnist
        case .fashionMNIST: .fashionMNIST
        case .cifar10: .cifar10
        }
    }
}

public enum FileFormat: Sendable {
    case idxImages, idxLabels, cifarBatch
}

public enum Split: String, Sendable {
    case train, test
}

/// One file of a data set, described by its decompressed content.
public struct DataFile: Sendable {
    public let name: String
    public let format: FileFormat
    public let split: Split
    public let byteCount: Int
    public let sha256: String
}

public struct DatasetInfo: Sendable {
    public let id: DatasetID
    public let title: String
    /// Folder name under a data root (`FFBENCH_DATA/<folder>`).
    public let folder: String
    public let files: [DataFile]
    public let trainCount: Int
    public let testCount: Int
    public let trainClassCounts: [Int]
    public let testClassCounts: [Int]
    /// Height, width, channels.
    public let imageShape: (Int, Int, Int)
    public let classNames: [String]
    /// Where `ffbench data fetch` downloads from by default.
    public let mirror: String?
    /// For data sets published as one archive (CIFAR-10): its file name.
    public let archive: String?
    /// How to get the files when they are missing.
    public let hint: String

    public var inputSize: Int { imageShape.0 * imageShape.1 * imageShape.2 }
    public var classCount: Int { classNames.count }
}

extension DatasetInfo {
    private static func idxFiles(_ sizes: (Int, Int, Int, Int), _ hashes: [String]) -> [DataFile] {
        [
            DataFile(name: "train-images-idx3-ubyte", format: .idxImages, split: .train, byteCount: sizes.0, sha256: hashes[0]),
            DataFile(name: "train-labels-idx1-ubyte", format: .idxLabels, split: .train, byteCount: sizes.1, sha256: hashes[1]),
            DataFile(name: "t10k-images-idx3-ubyte", format: .idxImages, split: .test, byteCount: sizes.2, sha256: hashes[2]),
            DataFile(name: "t10k-labels-idx1-ubyte", format: .idxLabels, split: .test, byteCount: sizes.3, sha256: hashes[3]),
        ]
    }

    private static let idxSizes = (16 + 60_000 * 784, 8 + 60_000, 16 + 10_000 * 784, 8 + 10_000)

    public static let mnist = DatasetInfo(
        id: .mnist, title: "MNIST", folder: "mnist",
        files: idxFiles(idxSizes, [
            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        ]),
        trainCount: 60_000, testCount: 10_000,
        trainClassCounts: [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
        testClassCounts: [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
        imageShape: (28, 28, 1), classNames: (0...9).map(String.init),
        mirror: "https://ossci-datasets.s3.amazonaws.com/mnist/", archive: nil,
        hint: "run 'ffbench data fetch mnist' or point FFBENCH_DATA at a folder holding mnist/")

    /// Hashes computed from Debian's dataset-fashion-mnist files and checked
    /// against the published sizes and the 6,000/1,000 images per class.
    public static let fashionMNIST = DatasetInfo(
        id: .fashionMNIST, title: "Fashion-MNIST", folder: "fashion-mnist",
        files: idxFiles(idxSizes, [
            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
        ]),
        trainCount: 60_000, testCount: 10_000,
        trainClassCounts: Array(repeating: 6000, count: 10),
        testClassCounts: Array(repeating: 1000, count: 10),
        imageShape: (28, 28, 1),
        classNames: ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                     "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        mirror: "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/", archive: nil,
        hint: "install Debian's package with 'apt-get install dataset-fashion-mnist' or run 'ffbench data fetch fashion-mnist'")

    private static let cifarBatchBytes = 10_000 * 3073

    public static let cifar10 = DatasetInfo(
        id: .cifar10, title: "CIFAR-10", folder: "cifar-10-batches-bin",
        files: [
            DataFile(name: "data_batch_1.bin", format: .cifarBatch, split: .train, byteCount: cifarBatchBytes,
                     sha256: "cee916563c9f80d84e3cc88e17fdc0941787f1244f00a67874d45b261883ada5"),
            DataFile(name: "data_batch_2.bin", format: .cifarBatch, split: .train, byteCount: cifarBatchBytes,
                     sha256: "a591ca11fa1708a91ee40f54b3da4784ccd871ecf2137de63f51ada8b3fa57ed"),
            DataFile(name: "data_batch_3.bin", format: .cifarBatch, split: .train, byteCount: cifarBatchBytes,
                     sha256: "bbe8596564c0f86427f876058170b84dac6670ddf06d79402899d93ceea26f67"),
            DataFile(name: "data_batch_4.bin", format: .cifarBatch, split: .train, byteCount: cifarBatchBytes,
                     sha256: "014e562d6e23c72197cc727519169a60359f5eccd8945ad5a09d710285ff4e48"),
            DataFile(name: "data_batch_5.bin", format: .cifarBatch, split: .train, byteCount: cifarBatchBytes,
                     sha256: "755304fc0b379caeae8c14f0dac912fbc7d6cd469eb67a1029a08a39453a9add"),
            DataFile(name: "test_batch.bin", format: .cifarBatch, split: .test, byteCount: cifarBatchBytes,
                     sha256: "8e2eb146ae340b09e24670f29cabc6326dba54da8789dab6768acf480273f65b"),
        ],
        trainCount: 50_000, testCount: 10_000,
        trainClassCounts: Array(repeating: 5000, count: 10),
        testClassCounts: Array(repeating: 1000, count: 10),
        imageShape: (32, 32, 3),
        classNames: ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"],
        mirror: "https://www.cs.toronto.edu/~kriz/", archive: "cifar-10-binary.tar.gz",
        hint: "run 'ffbench data fetch cifar10' or point FFBENCH_DATA at a folder holding cifar-10-batches-bin/")
}
