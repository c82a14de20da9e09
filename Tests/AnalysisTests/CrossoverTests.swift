import Analysis
import Foundation
import Testing

/// Where two fitted power laws cross: the depth at which FF's memory falls
/// below a BP variant's, and its interval from the exponents.
struct CrossoverTests {
    let depths: [Double] = [2, 4, 8, 16]

    @Test func exactPowerLawsCrossWhereTheyAreEqual() throws {
        // FF: 8 x^0.5, BP: 2 x^1 — equal where 8 x^0.5 = 2 x, at x = 16; FF is the lower beyond it.
        let ff = try ScalingFit(x: depths, y: depths.map { 8 * pow($0, 0.5) })
        let bp = try ScalingFit(x: depths, y: depths.map { 2 * $0 })
        let c = Crossover(arm: ff, other: bp)
        #expect(abs(try #require(c.x) - 16) < 1e-9)
        #expect(c.armLowerAbove)
        #expect(c.armLower(at: 32) == true && c.armLower(at: 8) == false)
        // No scatter: the exponents' intervals are points, and so is the crossing's.
        let low = try #require(c.low), high = try #require(c.high)
        #expect(abs(low - 16) < 1e-6 && abs(high - 16) < 1e-6)
    }

    @Test func scatterWidensTheIntervalAroundTheCrossing() throws {
        let wobble = [1.02, 0.98, 1.01, 0.99]
        let ff = try ScalingFit(x: depths, y: zip(depths, wobble).map { 8 * pow($0, 0.5) * $1 })
        let bp = try ScalingFit(x: depths, y: zip(depths, wobble.reversed()).map { 2 * $0 * $1 })
        let c = Crossover(arm: ff, other: bp)
        let x = try #require(c.x), low = try #require(c.low), high = try #require(c.high)
        #expect(low < x && x < high)
        #expect(low > 8 && high < 32, "\(low)–\(high)")
    }

    @Test func exponentsWhoseIntervalsOverlapLeaveTheCrossingUnbounded() throws {
        // Nearly parallel with scatter: the intervals allow lines that never cross this way.
        let wobble = [1.2, 0.8, 1.15, 0.85]
        let ff = try ScalingFit(x: depths, y: zip(depths, wobble).map { 8 * pow($0, 0.95) * $1 })
        let bp = try ScalingFit(x: depths, y: depths.map { 2 * $0 })
        let c = Crossover(arm: ff, other: bp)
        #expect(c.x != nil)
        #expect(c.low == nil && c.high == nil)
    }

    @Test func parallelLinesNeverCross() throws {
        let ff = try ScalingFit(x: depths, y: depths.map { 3 * $0 })
        let bp = try ScalingFit(x: depths, y: depths.map { 2 * $0 })
        let c = Crossover(arm: ff, other: bp)
        #expect(c.x == nil && c.low == nil && c.armLower(at: 4) == nil)
    }
}
