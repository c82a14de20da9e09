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
        /// given, as the straight line y = 10^intercept * x^exponent. A
        /// `connected` series is joined in the order of its points; a point's
        /// `label` is written beside it and a `ringed` one circled.
        case logLog
        /// Bars per category: the first `stacked` series are stacked from
        /// zero (their sum is the bar's height); the rest are markers drawn
        /// across the bar at their value (e.g. peak RSS).
        case stackedBars(categories: [String], stacked: Int)
    }

    public var kind: Kind
    public var title: String?
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var size: ChartSize
    /// Horizontal lines across the plot (a target error, a ratio of 1).
    public var referenceLines: [ReferenceLine]
    /// The y axis starts at zero (sizes and times, so differences are not magnified).
    public var yFromZero: Bool

    public init(kind: Kind, title: String? = nil, xLabel: String, yLabel: String, series: [Series],
                size: ChartSize = .singleColumn, referenceLines: [ReferenceLine] = [], yFromZero: Bool = false) {
        self.kind = kind
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.size = size
        self.referenceLines = referenceLines
        self.yFromZero = yFromZero
    }
}

/// A dashed horizontal line at `y`, labelled at its right end.
public struct ReferenceLine: Sendable, Equatable {
    public var y: Double
    public var label: String

    public init(y: Double, label: String) {
        self.y = y
        self.label = label
    }
}

/// How a series' points are marked; every arm has its own.
public enum Marker: Sendable, Equatable, CaseIterable {
    case circle, square, triangle, diamond, invertedTriangle, cross
}

public struct Series: Sendable {
    public var name: String
    public var points: [Point]
    /// A power law fitted in log–log space (`Chart.Kind.logLog`).
    public var fit: PowerLaw?
    /// Colour and marker; nil takes the palette's choice for the name.
    public var color: RGB?
    public var marker: Marker?
    /// Joined by a thin line in the order of `points` (log–log charts).
    public var connected: Bool

    public init(name: String, points: [Point], fit: PowerLaw? = nil, color: RGB? = nil, marker: Marker? = nil, connected: Bool = false) {
        self.connected = connected
        self.name = name
        self.points = points
        self.fit = fit
        self.color = color
        self.marker = marker
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
    /// Written beside the point, and a ring drawn around it (log–log charts).
    public var label: String?
    public var ringed: Bool

    public init(x: Double, y: Double, low: Double? = nil, high: Double? = nil, values: [Double] = [], label: String? = nil, ringed: Bool = false) {
        self.label = label
        self.ringed = ringed
        self.x = x
        self.y = y
        self.low = low
        self.high = high
        self.values = values
    }
}
