import Foundation

/// One run's time to an event (reaching the target error), or the time it
/// was last seen without reaching it (censored).
public struct TimeToEvent: Codable, Sendable, Equatable {
    public var time: Double
    public var reached: Bool
    /// How long the run was watched in all (its whole training time), which
    /// may go past an event: what bounds the restricted mean's window.
    public var followUp: Double

    enum CodingKeys: String, CodingKey {
        case time, reached
        case followUp = "follow_up"
    }

    public init(time: Double, reached: Bool, followUp: Double? = nil) {
        self.time = time
        self.reached = reached
        self.followUp = max(followUp ?? time, time)
    }
}

/// The Kaplan–Meier estimate of the probability of *not yet* having
/// reached the target, as SciPy's `ecdf` on `CensoredData`: runs censored
/// at a time are still at risk at that time; Greenwood's variance.
public struct KaplanMeier: Sendable, Equatable {
    /// Distinct observed times (events and censorings), ascending.
    public let times: [Double]
    public let atRisk: [Int]
    public let events: [Int]
    /// S just after each time.
    public let survival: [Double]
    /// Greenwood's cumulative sum Σ d / (n (n − d)) up to each time.
    let greenwood: [Double]

    public init(_ data: [TimeToEvent]) throws(AnalysisError) {
        guard !data.isEmpty else { throw .tooFewValues(what: "Kaplan–Meier", count: 0, needed: 1) }
        guard data.allSatisfy({ $0.time.isFinite && $0.time >= 0 }) else { throw .nonFinite(what: "times to target") }
        let sorted = data.sorted { $0.time < $1.time }
        var times: [Double] = [], atRisk: [Int] = [], events: [Int] = [], survival: [Double] = [], greenwood: [Double] = []
        var s = 1.0, g = 0.0, i = 0
        while i < sorted.count {
            let t = sorted[i].time
            var j = i, d = 0
            while j < sorted.count && sorted[j].time == t { if sorted[j].reached { d += 1 }; j += 1 }
            let n = sorted.count - i
            s *= Double(n - d) / Double(n)
            g += n > d ? Double(d) / Double(n * (n - d)) : .infinity
            times.append(t); atRisk.append(n); events.append(d); survival.append(s); greenwood.append(g)
            i = j
        }
        self.times = times
        self.atRisk = atRisk
        self.events = events
        self.survival = survival
        self.greenwood = greenwood
    }

    public var count: Int { atRisk.first ?? 0 }
    public var censored: Int { count - events.reduce(0, +) }

    /// S(t), a right-continuous step function.
    public func value(at t: Double) -> Double {
        var s = 1.0
        for (time, v) in zip(times, survival) where time <= t { s = v }
        return s
    }

    /// SciPy's pointwise 'log-log' interval of S at each time (NaN where
    /// it is undefined: S = 1 before any event, or S = 0).
    public func logLogBand(confidence: Double = 0.95) -> [(low: Double, high: Double)] {
        let z = Distributions.normalQuantile(0.5 + confidence / 2)
        return zip(survival, greenwood).map { s, g in
            let se = (g / (log(s) * log(s))).squareRoot()
            let centre = log(-log(s))
            guard se.isFinite, centre.isFinite else { return (.nan, .nan) }
            return (exp(-exp(centre + z * se)), exp(-exp(centre - z * se)))
        }
    }

    /// The smallest time at which S ≤ 0.5; nil when S never gets there.
    public var median: Double? {
        zip(times, survival).first { $0.1 <= 0.5 }?.0
    }

    /// Brookmeyer–Crowley interval for the median from the log-log band:
    /// from the first time the band's lower edge reaches 0.5 to the first
    /// time its upper edge does. An end that never gets there is nil (not
    /// estimable with these runs).
    public func medianInterval(confidence: Double = 0.95) -> (low: Double?, high: Double?) {
        let band = logLogBand(confidence: confidence)
        let low = zip(times, band).first { $0.1.low <= 0.5 }?.0
        let high = zip(times, band).first { $0.1.high <= 0.5 }?.0
        return (low, high)
    }

    /// Restricted mean time to the event up to `tau`: ∫₀^τ S(t) dt, and its
    /// variance Σ_{tᵢ ≤ τ} Aᵢ² dᵢ / (nᵢ (nᵢ − dᵢ)) with Aᵢ = ∫_{tᵢ}^τ S
    /// (Klein & Moeschberger, 4.5). Terms with nᵢ = dᵢ have Aᵢ = 0.
    public func restrictedMean(tau: Double) -> (mean: Double, variance: Double) {
        // Area under S from each time to tau.
        func area(from start: Double) -> Double {
            var total = 0.0, t = start, s = value(at: start)
            for (time, v) in zip(times, survival) where time > start && time < tau {
                total += s * (time - t)
                t = time
                s = v
            }
            return total + s * max(0, tau - t)
        }
        let mean = area(from: 0)
        var variance = 0.0
        for (k, t) in times.enumerated() where t <= tau && events[k] > 0 {
            let a = area(from: t)
            let n = atRisk[k], d = events[k]
            if n > d { variance += a * a * Double(d) / Double(n * (n - d)) }
        }
        return (mean, variance)
    }
}

/// Time to target, arm against baseline: Kaplan–Meier per arm, median
/// and restricted mean (RMST) with intervals, the RMST ratio with its
/// interval and the z test read off it (the estimand), and the log-rank
/// test of equal curves (reported beside it).
public struct SurvivalComparison: Codable, Sendable, Equatable {
    public struct Arm: Codable, Sendable, Equatable {
        public var n: Int
        public var censored: Int
        public var median: Double?
        public var medianLow: Double?
        public var medianHigh: Double?
        public var restrictedMean: LeveledInterval
        /// More than one run never reached the target (MLPerf's rule).
        public var unreliable: Bool

        enum CodingKeys: String, CodingKey {
            case n, censored, median, unreliable
            case medianLow = "median_low"
            case medianHigh = "median_high"
            case restrictedMean = "restricted_mean"
        }
    }

    public var arm: Arm
    public var baseline: Arm
    /// RMSTs are restricted to τ: as far as both curves are known. A curve
    /// is known up to its arm's longest follow-up (a run is followed for its
    /// whole training, even after its event) and for ever once it reaches 0
    /// (every run still at risk reached the target). So τ is the shortest
    /// longest follow-up among arms whose curve stays above 0, and the
    /// longest follow-up of all when both curves reach 0 — then each RMST
    /// is the Kaplan–Meier mean time to target. Taking the shorter
    /// follow-up regardless would cap a slower arm's RMST at the faster
    /// arm's training time and report that cap as the ratio.
    public var tau: Double
    /// No run of the arm (of the baseline) reached the target within τ: its
    /// RMST is τ itself, so the ratio is the extreme the window allows — a
    /// bound on how much later (sooner) the arm gets there.
    public var armNeverReachedByTau: Bool
    public var baselineNeverReachedByTau: Bool
    /// RMST(arm) / RMST(baseline), 95 % interval from log r ± z·se (delta method).
    public var ratio: LeveledInterval
    public var logRatio: Double
    public var logRatioSE: Double
    public var pValue: Double
    public var logRank: TestResult?

    enum CodingKeys: String, CodingKey {
        case arm, baseline, tau, ratio
        case armNeverReachedByTau = "arm_never_reached_by_tau"
        case baselineNeverReachedByTau = "baseline_never_reached_by_tau"
        case logRatio = "log_ratio"
        case logRatioSE = "log_ratio_se"
        case pValue = "p_value"
        case logRank = "log_rank"
    }

    public init(arm a: [TimeToEvent], baseline b: [TimeToEvent], confidence: Double = 0.95) throws(AnalysisError) {
        let ka = try KaplanMeier(a), kb = try KaplanMeier(b)
        guard a.contains(where: \.reached) || b.contains(where: \.reached) else {
            throw .undefined(what: "time to target", reason: "no run of either arm reached the target")
        }
        let tau = Self.window(a, ka, b, kb)
        self.tau = tau
        armNeverReachedByTau = !a.contains { $0.reached && $0.time <= tau }
        baselineNeverReachedByTau = !b.contains { $0.reached && $0.time <= tau }
        guard tau > 0 else { throw .undefined(what: "time to target", reason: "no time elapsed") }
        let z = Distributions.normalQuantile(0.5 + confidence / 2)
        func summary(_ k: KaplanMeier) -> Arm {
            let (m, v) = k.restrictedMean(tau: tau)
            let se = v.squareRoot()
            let ci = k.medianInterval(confidence: confidence)
            return Arm(n: k.count, censored: k.censored, median: k.median, medianLow: ci.low, medianHigh: ci.high,
                       restrictedMean: LeveledInterval(estimate: m, low: max(0, m - z * se), high: m + z * se, confidence: confidence),
                       unreliable: k.censored > 1)
        }
        arm = summary(ka)
        baseline = summary(kb)
        let (ma, va) = ka.restrictedMean(tau: tau), (mb, vb) = kb.restrictedMean(tau: tau)
        logRatio = log(ma / mb)
        logRatioSE = (va / (ma * ma) + vb / (mb * mb)).squareRoot()
        let lo = logRatio - z * logRatioSE, hi = logRatio + z * logRatioSE
        ratio = LeveledInterval(estimate: exp(logRatio), low: exp(lo), high: exp(hi), confidence: confidence)
        pValue = logRatioSE > 0 ? 2 * Distributions.normalSF(abs(logRatio / logRatioSE)) : (logRatio == 0 ? 1 : 0)
        logRank = try? LogRank.test(a, b)
    }

    /// τ: see `tau`.
    static func window(_ a: [TimeToEvent], _ ka: KaplanMeier, _ b: [TimeToEvent], _ kb: KaplanMeier) -> Double {
        let longest = [a.map(\.followUp).max()!, b.map(\.followUp).max()!]
        let open = zip([ka, kb], longest).filter { $0.0.survival.last != 0 }.map(\.1)
        return open.min() ?? longest.max()!
    }

    /// The RMST ratio's interval at any confidence (a Holm step's).
    public func interval(_ confidence: Double) -> LeveledInterval {
        let z = Distributions.normalQuantile(0.5 + confidence / 2)
        return LeveledInterval(estimate: exp(logRatio), low: exp(logRatio - z * logRatioSE),
                               high: exp(logRatio + z * logRatioSE), confidence: confidence)
    }
}

/// The log-rank test of two right-censored samples, as SciPy's `logrank`:
/// statistic (O − E)/√V for the first sample, two-sided normal p.
public enum LogRank {
    public static func test(_ x: [TimeToEvent], _ y: [TimeToEvent]) throws(AnalysisError) -> TestResult {
        let all = try KaplanMeier(x + y)
        let kx = try KaplanMeier(x)
        var expected = 0.0, variance = 0.0
        for (k, t) in all.times.enumerated() where all.events[k] > 0 {
            let n = Double(all.atRisk[k]), d = Double(all.events[k])
            // At risk in x at t: those of x with time >= t.
            let nx = Double(kx.times.indices.first { kx.times[$0] >= t }.map { kx.atRisk[$0] } ?? 0)
            let ny = n - nx
            expected += nx * d / n
            if n > 1 { variance += nx * ny * d * (n - d) / (n * n * (n - 1)) }
        }
        guard variance > 0 else { throw .undefined(what: "log-rank", reason: "no variance (too few events or one group at risk)") }
        let observed = Double(x.filter(\.reached).count)
        let z = (observed - expected) / variance.squareRoot()
        return TestResult(test: "log-rank", statistic: z, pValue: 2 * Distributions.normalSF(abs(z)), df: nil, method: "asymptotic")
    }
}
