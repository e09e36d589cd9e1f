//! Helpers shared by the fuzz targets.
#![allow(dead_code)]

use std::io::{self, BufRead, Read};

/// A reader that hands out at most `chunk` bytes per call, so that the readers' refill and
/// record-spanning paths run on small inputs too.
pub struct Trickle<'a> {
    data: &'a [u8],
    chunk: usize,
}

impl<'a> Trickle<'a> {
    pub fn new(data: &'a [u8], chunk: usize) -> Self {
        Self {
            data,
            chunk: chunk.max(1),
        }
    }
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.chunk.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

impl BufRead for Trickle<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let n = self.chunk.min(self.data.len());
        Ok(&self.data[..n])
    }

    fn consume(&mut self, amt: usize) {
        self.data = &self.data[amt..];
    }
}

/// Splits `data` at its first NUL byte: (before, after); `after` is empty without one.
pub fn split_nul(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[]),
    }
}
