public import MicrogenreQuery

extension IndexReader: PersonNames {
    /// Whether `terms` occur as consecutive words of some live title's credited people (the
    /// `people` field, whose positions the index keeps): "stephen king" is a name wherever a
    /// title credits Stephen King. Positions run on from one credited person to the next, so a
    /// run of words can also straddle two names; the words of a query rarely do.
    public func isPerson(_ terms: ArraySlice<String>) -> Bool {
        guard terms.count >= 2 else { return false }
        // The rarest word's postings first: the fewest titles to check.
        let lists = terms.map { postings(.people, $0) }
        guard !lists.contains(where: \.isEmpty) else { return false }
        let rarest = lists.indices.min { lists[$0].count < lists[$1].count }!
        var candidates = Set(lists[rarest].map(\.doc))
        for list in lists where !candidates.isEmpty { candidates.formIntersection(list.lazy.map(\.doc)) }
        guard !candidates.isEmpty else { return false }
        let positions: [[Int: Set<UInt32>]] = lists.map { list in
            var byDoc: [Int: Set<UInt32>] = [:]
            for posting in list where candidates.contains(posting.doc) { byDoc[posting.doc] = Set(posting.positions) }
            return byDoc
        }
        for doc in candidates {
            for start in positions[0][doc]! {
                var matched = true
                for k in 1..<positions.count where positions[k][doc]?.contains(start + UInt32(k)) != true {
                    matched = false
                    break
                }
                if matched { return true }
            }
        }
        return false
    }
}
