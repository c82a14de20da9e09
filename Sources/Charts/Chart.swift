/// A chart described as data: what to draw, not how. The same value always
/// draws the same picture (and writes byte-identical files).
public struct Chart: Sendable {
    public enum Kind: Sendable, Equatable {
        /// Lines through the points with a shaded band between low and high (a CI).
        case line
        /// One dot per series at each category, with error bars from low to high,
        /// and every seed's value as small open circles when `values` are given.
        case dots(categories: [String])
    }

    public var kind: Kind
    public var title: String?
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var size: ChartSize

    public init(kind: Kind, title: String? = nil, xLabel: String, yLabel: String, series: [Series],
                size: ChartSize = .singleColumn) {
        self.kind = kind
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.size = size
    }
}

public struct Series: Sendable {
    public var name: String
    public var points: [Point]

    public init(name: String, points: [Point]) {
        self.name = name
        self.points = points
    }
}

public struct Point: Sendable {
    public var x: Double
    public var y: Double
    public var low: Double?
    public var high: Double?
    /// Individual observations (e.g. one per seed) drawn beside the summary.
    public var values: [Double]

    public init(x: Double, y: Double, low: Double? = nil, high: Double? = nil, values: [Double] = []) {
        self.x = x
        self.y = y
        self.low = low
        self.high = high
        self.values = values
    }
}
