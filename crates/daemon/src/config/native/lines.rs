//! Byte offsets (where the TOML parser puts its spans) to line numbers.

/// Where the lines of a text start, to turn byte offsets into 1-based
/// line numbers without scanning the text once per service.
pub(super) struct Lines(Vec<usize>);

impl Lines {
    /// The line starts of `text`.
    pub(super) fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|(_, b)| *b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        Lines(starts)
    }

    /// The 1-based line of byte offset `at`.
    pub(super) fn of(&self, at: usize) -> usize {
        self.0.partition_point(|&start| start <= at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_to_lines() {
        let l = Lines::new("a\nbc\n\nd");
        assert_eq!(
            [0, 1, 2, 3, 4, 5, 6].map(|i| l.of(i)),
            [1, 1, 2, 2, 2, 3, 4]
        );
    }
}
