/// A chart described as data: what to draw, not how. The same value always
/// draws the same picture (and writes byte-identical files).
public struct Chart: Sendable {
    public enum Kind: Sendable, Equatable {
        /// Lines through the points with a shaded band between low and high (a CI).
        case line
        /// One dot per series at each category, with error bars from low to high,
        /// and every seed's value as small open circles when `values` are given.
        case dots(categories: [String])
        /// Box plots (quartiles, whiskers to the furthest value within 1.5
        /// IQR of the box) of each point's `values`, with every value drawn
        /// beside its box: nothing is hidden, whatever the number of seeds.
        case box(categories: [String])
        /// A timeline: the first `stacked` series are stacked areas (their
        /// sum is the top edge), the rest are lines drawn over them.
        case timeline(stacked: Int)
        /// Both axes logarithmic; points as dots, and a series' `fit`, when
        /// given, as the straight line y = 10^intercept * x^exponent.
        case logLog
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
    /// A power law fitted in log–log space (`Chart.Kind.logLog`).
    public var fit: PowerLaw?

    public init(name: String, points: [Point], fit: PowerLaw? = nil) {
        self.name = name
        self.points = points
        self.fit = fit
    }
}

/// y = 10^intercept * x^exponent: a straight line on log–log axes.
public struct PowerLaw: Sendable, Equatable {
    public var intercept: Double
    public var exponent: Double

    public init(intercept: Double, exponent: Double) {
        self.intercept = intercept
        self.exponent = exponent
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
