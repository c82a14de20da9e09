import Analysis

/// Names and published figures the report's words use.
enum ReportText {
    static let titles = ["mnist": "MNIST", "fashion-mnist": "Fashion-MNIST", "cifar10": "CIFAR-10"]

    static func datasetTitle(_ id: String?) -> String { id.map { titles[$0] ?? $0 } ?? "–" }

    static let published: [String: [String: String]] = [
        "mnist": ["ff": "1.36 % (Hinton 2022, 4x2000)", "bp": "≈1.4 % (Hinton 2022)"],
        "cifar10": ["ff": "41–46 % (locally connected nets)", "bp": "37–39 % (locally connected nets)"],
    ]

    static let question = "Does the Forward-Forward algorithm train faster or with less memory than backpropagation, at similar accuracy?"
}
