import MicrogenrePersonalization
import Testing

/// Search results expanded through co-viewing: a title the same people love with the best
/// result rises; titles outside the results never enter.
@Suite struct CoViewingExpansionTests {
    @Test func aTitleCoViewedWithTheBestResultRises() {
        // Documents 0 and 4 are liked together by three users; 1, 2 and 3 by others, alone or
        // with 5, which the query did not find.
        let liked = [[0, 4], [0, 4], [0, 4], [1], [2, 5], [3, 5], [5, 1]]
        let coViewing = CoViewing(liked: liked, count: 6)
        var expansion = CoViewingExpansion()
        expansion.seeds = 2
        let ranked = expansion.rerank([0, 1, 2, 3, 4], coViewing: coViewing)
        // 4 (rank 5, expansion rank 1) fuses to 1/65 + 0.5/61, above 0's 1/61 alone.
        #expect(ranked.map(\.doc) == [4, 0, 1, 2, 3])
        #expect(ranked.first { $0.doc == 4 }!.expansion > 0)
        #expect(!ranked.contains { $0.doc == 5 })
        // Without co-viewing, or with no seeds, the query's order stays.
        #expect(
            CoViewingExpansion().rerank([2, 0, 1], coViewing: CoViewing(liked: [], count: 6)).map(\.doc) == [2, 0, 1])
        expansion.seeds = 0
        #expect(expansion.rerank([0, 1, 2, 3, 4], coViewing: coViewing).map(\.doc) == [0, 1, 2, 3, 4])
    }
}
