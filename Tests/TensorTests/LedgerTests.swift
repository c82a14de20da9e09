import Testing
import Tensor

@Suite struct LedgerTests {
    @Test func tracksLiveAndPeakBytesPerCategory() {
        let ledger = Ledger()
        var w: Matrix? = Matrix(rows: 10, cols: 10, category: .weights, ledger: ledger)
        do {
            let a = Matrix(rows: 5, cols: 20, category: .activations, ledger: ledger)
            let s = ledger.snapshot()
            #expect(s.live[.weights] == 400)
            #expect(s.live[.activations] == 400)
            #expect(s.liveTotal == 800)
            #expect(s.peakTotal == 800)
            #expect(s.allocations == 2)
            _ = a
        }
        let after = ledger.snapshot()
        #expect(after.live[.activations] == 0)
        #expect(after.peak[.activations] == 400)
        #expect(after.liveTotal == 400)
        #expect(after.peakTotal == 800)

        ledger.resetPeaks()
        #expect(ledger.snapshot().peakTotal == 400)
        w = nil
        #expect(ledger.liveTotal == 0)
        _ = w
    }

    @Test func shrinkingRowsKeepsCapacityAccounting() {
        let ledger = Ledger()
        let m = Matrix(rows: 8, cols: 4, category: .dataset, ledger: ledger)
        m.setRows(3)
        #expect(m.count == 12)
        #expect(ledger.liveBytes(.dataset) == 8 * 4 * 4)
        #expect(Int(bitPattern: m.data) % Matrix.alignment == 0)
    }
}
