import Testing
@testable import Recorder

@Suite struct SafeNameTests {
    @Test func namesThatBecomePathsAreRestricted() {
        for good in ["quickstart", "mnist-hinton", "ff_nohead", "v1.2"] { #expect(SafeName.problem(good) == nil, "\(good)") }
        for bad in ["", "..", ".hidden", "a/b", "a b", "x\ny", "é", String(repeating: "a", count: 101)] {
            #expect(SafeName.problem(bad) != nil, "\(bad)")
        }
        #expect(SafeName.problem("ff[layers=4x2000,batch-size=100]", gridSuffix: true) == nil)
        #expect(SafeName.problem("ff[layers=../x]", gridSuffix: true) != nil)
        #expect(SafeName.problem("ff[layers=4x2000]") != nil) // grid suffixes only where a grid made them
    }
}
