//! Which index segments are merged, and how many at once.
//!
//! A merge maps the term dictionaries of all its segments and reads each
//! one's document store; its memory grows with the number of segments it
//! takes and with their size. tantivy's log merge policy puts every
//! segment of one size level into a single merge, so a scan that wrote
//! thousands of segments would merge thousands at once, and it merges big
//! segments again and again. [`BoundedMerges`] keeps the log policy's
//! levels but merges at most [`GROUP`] segments at a time and never a
//! segment past [`MAX_DOCS_BEFORE_MERGE`], so a merge's memory is bounded
//! whatever the size of the tree. It merges only while the index holds
//! more than [`MAX_SEGMENTS`] segments, and only as much as brings it back
//! there: merging took 18 s of a 1 GB tree's 93–101 s scan, and a search
//! pays well under a millisecond for each further segment.

use tantivy::index::SegmentMeta;
use tantivy::indexer::{LogMergePolicy, MergeCandidate, MergePolicy};

/// Segments merged together at most.
pub const GROUP: usize = 8;

/// Documents a segment may hold and still be merged into a bigger one.
/// A segment the scan writes holds 90,000 to 160,000 documents (the writer's
/// memory budget); [`GROUP`] of them merge into one of about a million,
/// which is never merged again: merging those would read 150 MB document
/// stores and map their term dictionaries together, and a search over a
/// few more segments costs well under a millisecond each.
pub const MAX_DOCS_BEFORE_MERGE: usize = 250_000;

/// Segments an index may hold before any is merged.
pub const MAX_SEGMENTS: usize = 20;

/// tantivy's log merge policy, bounded (see the module documentation).
#[derive(Debug)]
pub struct BoundedMerges {
    levels: LogMergePolicy,
}

impl Default for BoundedMerges {
    fn default() -> Self {
        let mut levels = LogMergePolicy::default();
        levels.set_max_docs_before_merge(MAX_DOCS_BEFORE_MERGE);
        levels.set_min_num_segments(GROUP);
        BoundedMerges { levels }
    }
}

impl MergePolicy for BoundedMerges {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let docs = |id| segments.iter().find(|s| s.id() == id).map_or(0, |s| s.max_doc());
        let mut groups: Vec<Vec<_>> = Vec::new();
        for level in self.levels.compute_merge_candidates(segments) {
            for group in level.0.chunks(GROUP).filter(|g| g.len() > 1) {
                groups.push(group.to_vec());
            }
        }
        // The smallest groups first: the least work for each segment fewer.
        groups.sort_by_key(|g| g.iter().map(|&id| docs(id)).sum::<u32>());
        let mut excess = segments.len().saturating_sub(MAX_SEGMENTS);
        let mut merges = Vec::new();
        for group in groups {
            if excess == 0 {
                break;
            }
            excess = excess.saturating_sub(group.len() - 1);
            merges.push(MergeCandidate(group));
        }
        merges
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::Index;
    use tantivy::index::SegmentId;
    use tantivy::schema::Schema;

    fn segments(sizes: &[u32]) -> Vec<SegmentMeta> {
        let index = Index::create_in_ram(Schema::builder().build());
        sizes
            .iter()
            .map(|&n| index.new_segment_meta(SegmentId::generate_random(), n))
            .collect()
    }

    fn merge_sizes(segments: &[SegmentMeta]) -> Vec<Vec<u32>> {
        let docs = |id| segments.iter().find(|s| s.id() == id).unwrap().max_doc();
        let mut merges: Vec<Vec<u32>> = BoundedMerges::default()
            .compute_merge_candidates(segments)
            .into_iter()
            .map(|c| c.0.into_iter().map(docs).collect())
            .collect();
        merges.sort();
        merges
    }

    #[test]
    fn many_fresh_segments_merge_in_groups_of_eight_down_to_the_limit() {
        // 40 segments: three merges of eight (21 segments fewer) bring
        // them to 19, under the limit of 20.
        let merges = merge_sizes(&segments(&[120_000; 40]));
        assert_eq!(merges, vec![vec![120_000; 8]; 3]);
        // One segment over the limit: one merge, of the smallest group.
        let mut sizes = vec![120_000; 13];
        sizes.extend([30_000; 8]);
        assert_eq!(merge_sizes(&segments(&sizes)), [vec![30_000; 8]]);
    }

    #[test]
    fn big_segments_too_few_small_ones_or_few_segments_are_left_alone() {
        assert!(merge_sizes(&segments(&[1_000_000; 30])).is_empty());
        assert!(merge_sizes(&segments(&[120_000; 7])).is_empty());
        assert!(merge_sizes(&segments(&[120_000; MAX_SEGMENTS])).is_empty());
        // Ten over the limit: every small one is merged (in groups of at
        // most eight), never a big one.
        let mut mixed = vec![1_000_000; 20];
        mixed.extend([120_000; 10]);
        assert_eq!(
            merge_sizes(&segments(&mixed)),
            [vec![120_000; 2], vec![120_000; 8]]
        );
    }
}
