//! The rolling window: an eviction queue of records, an id index for joining labels, and
//! per-group counters kept in step with the queue, so that every event costs O(1) amortised
//! and allocates nothing once the window is full (docs/gate-and-monitor.md#reading-events-fast).

use std::collections::VecDeque;
use std::hash::BuildHasher;

use foldhash::HashMap;
use foldhash::fast::RandomState;
use hashbrown::HashTable;
use hashbrown::hash_table::Entry;

use fairkit_metrics::{Confusion, ConfusionTable};
use serde::Serialize;

use crate::config::Window as WindowLimit;
use crate::event::IdRef;

/// The id as stored in a record: the integer, or where the text lies in the window's
/// [`Arena`].
#[derive(Debug, Clone, Copy)]
enum StoredId {
    Int(i64),
    Str { start: u64, len: usize },
}

/// The text of the string ids in the window, end to end in the records' order. Offsets count
/// every byte ever appended, so a record's range stays valid when the evicted front is dropped;
/// the front is dropped once it is at least half the bytes held, so each byte is moved at most
/// once on average and the buffer stops growing once the window is full.
#[derive(Debug, Clone, Default)]
struct Arena {
    bytes: Vec<u8>,
    /// Offset of `bytes[0]`.
    base: u64,
}

impl Arena {
    /// Appends `text`; returns its offset.
    fn push(&mut self, text: &[u8]) -> u64 {
        let start = self.base + self.bytes.len() as u64;
        self.bytes.extend_from_slice(text);
        start
    }

    fn get(&self, start: u64, len: usize) -> &[u8] {
        let at = (start - self.base) as usize;
        &self.bytes[at..at + len]
    }

    /// The bytes before offset `end` belong to evicted records only.
    fn release(&mut self, end: u64) {
        let dead = (end - self.base) as usize;
        if dead >= 4096 && 2 * dead >= self.bytes.len() {
            self.bytes.drain(..dead);
            self.base = end;
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LabelState {
    Pending,
    Labelled(bool),
    Expired,
}

#[derive(Debug, Clone)]
struct Record {
    id: StoredId,
    /// Effective timestamp: the running maximum, so the queue is ordered by time.
    ts: f64,
    group: u32,
    prediction: bool,
    label: LabelState,
}

/// One group's counters over the window.
#[derive(Debug, Clone)]
pub(crate) struct GroupCounters {
    pub(crate) name: Box<str>,
    /// Every prediction in the window, pushed with `y = false`: only the predicted side is
    /// known without labels, which is all the selection rate reads.
    pub(crate) predicted: ConfusionTable,
    /// The labelled predictions in the window.
    pub(crate) labelled: ConfusionTable,
    pub(crate) pending: u64,
    pub(crate) expired: u64,
}

impl GroupCounters {
    fn new(name: &str) -> Self {
        Self {
            name: name.into(),
            predicted: ConfusionTable::new(1, false),
            labelled: ConfusionTable::new(1, false),
            pending: 0,
            expired: 0,
        }
    }

    /// Counts of all predictions (labels unknown, so every row sits on the `y = 0` side).
    pub(crate) fn predictions(&self) -> Confusion {
        self.predicted.group(0)
    }

    /// Confusion counts of the labelled predictions.
    pub(crate) fn labels(&self) -> Confusion {
        self.labelled.group(0)
    }
}

/// Running totals since the monitor started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// Predictions recorded.
    pub predictions: u64,
    /// Labels received (joined or not).
    pub labels: u64,
    /// Labels joined to a pending prediction.
    pub labels_joined: u64,
    /// Labels whose id is not in the window (never seen, or already evicted).
    pub labels_unknown: u64,
    /// Labels for a prediction that had already expired (arrived after the label timeout).
    pub labels_late: u64,
    /// Labels for a prediction already labelled (the first label is kept).
    pub labels_duplicate: u64,
    /// Predictions whose id was still in the window; the id now refers to the newer one.
    pub duplicate_ids: u64,
    /// Predictions whose timestamp was older than the newest seen (they count as arriving at
    /// the newest timestamp).
    pub out_of_order: u64,
    /// Predictions that expired unlabelled.
    pub expired: u64,
    /// Predictions evicted from the window.
    pub evicted: u64,
}

/// The window's extent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WindowBounds {
    /// Predictions in the window.
    pub size: u64,
    /// Sequence number (0-based, counting every prediction) of the oldest record.
    pub first_seq: Option<u64>,
    /// Sequence number of the newest record.
    pub last_seq: Option<u64>,
    /// Timestamp of the oldest record.
    pub first_ts: Option<f64>,
    /// Timestamp of the newest record.
    pub last_ts: Option<f64>,
}

#[derive(Debug, Clone)]
pub(crate) struct RollingWindow {
    limit: WindowLimit,
    label_timeout: Option<f64>,
    records: VecDeque<Record>,
    /// Sequence number of `records[0]`.
    front_seq: u64,
    /// Records with a lower sequence number have been checked for expiry.
    expiry_seq: u64,
    now: f64,
    /// The id's hash and the sequence number of the newest record of each id, compared with
    /// the record's id when found: no key is copied into the index. An entry whose record
    /// has left the window is stale and ignored, and dropped in a pass over the index once
    /// there are more than a quarter of the records and 1,024 of them (evicting touches no
    /// hash table, and the index stays small enough to stay in cache).
    ids: HashTable<(u64, u64)>,
    hasher: RandomState,
    arena: Arena,
    codes: HashMap<Box<[u8]>, u32>,
    pub(crate) groups: Vec<GroupCounters>,
    pub(crate) counters: Counters,
}

/// What became of a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LabelOutcome {
    Joined,
    Unknown,
    Late,
    Duplicate,
}

impl RollingWindow {
    pub(crate) fn new(limit: WindowLimit, label_timeout: Option<f64>) -> Self {
        let capacity = match limit {
            WindowLimit::Count(n) => n.min(1 << 20) + 1,
            WindowLimit::Span(_) => 1024,
        };
        Self {
            limit,
            label_timeout,
            records: VecDeque::with_capacity(capacity),
            front_seq: 0,
            expiry_seq: 0,
            now: f64::NEG_INFINITY,
            ids: HashTable::with_capacity(capacity),
            hasher: RandomState::default(),
            arena: Arena::default(),
            codes: HashMap::default(),
            groups: Vec::new(),
            counters: Counters::default(),
        }
    }

    fn group_code(&mut self, group: &[u8]) -> u32 {
        if let Some(&code) = self.codes.get(group) {
            return code;
        }
        let code = self.groups.len() as u32;
        self.codes.insert(group.into(), code);
        // The bytes were a `str`: nothing is lost.
        self.groups
            .push(GroupCounters::new(&String::from_utf8_lossy(group)));
        code
    }

    /// The id's hash in the index (integers and strings never compare equal, so they may
    /// share a hash).
    fn hash(&self, id: IdRef<'_>) -> u64 {
        match id {
            IdRef::Int(v) => self.hasher.hash_one(v),
            IdRef::Str(s) => self.hasher.hash_one(s),
        }
    }

    /// Adds a prediction (`ts` finite, checked by the caller), then evicts and expires.
    pub(crate) fn push_prediction(&mut self, id: IdRef<'_>, ts: f64, group: &[u8], p: bool) {
        self.counters.predictions += 1;
        if ts < self.now {
            self.counters.out_of_order += 1;
        } else {
            self.now = ts;
        }
        // Records the new time pushes out of a time window leave before the id is indexed.
        self.evict();
        let code = self.group_code(group);
        let seq = self.front_seq + self.records.len() as u64;
        let hash = self.hash(id);
        let stored = match id {
            IdRef::Int(v) => StoredId::Int(v),
            IdRef::Str(s) => StoredId::Str {
                start: self.arena.push(s),
                len: s.len(),
            },
        };
        let (records, arena, front) = (&self.records, &self.arena, self.front_seq);
        match self.ids.entry(
            hash,
            |&(h, s)| h == hash && holds(records, arena, front, s, id),
            |&(h, _)| h,
        ) {
            Entry::Occupied(mut e) => {
                e.get_mut().1 = seq;
                self.counters.duplicate_ids += 1;
            }
            Entry::Vacant(e) => {
                e.insert((hash, seq));
                if self.ids.len() > self.records.len() + self.records.len() / 4 + 1024 {
                    self.ids.retain(|&mut (_, s)| s >= front);
                }
            }
        }
        self.records.push_back(Record {
            id: stored,
            ts: self.now,
            group: code,
            prediction: p,
            label: LabelState::Pending,
        });
        let g = &mut self.groups[code as usize];
        g.predicted.push(false, p, 0, 1.0);
        g.pending += 1;
        self.evict();
        self.expire();
    }

    fn evict(&mut self) {
        loop {
            let Some(front) = self.records.front() else {
                return;
            };
            let out = match self.limit {
                WindowLimit::Count(n) => self.records.len() > n,
                WindowLimit::Span(span) => self.now - front.ts >= span,
            };
            if !out {
                return;
            }
            let Some(r) = self.records.pop_front() else {
                return;
            };
            self.front_seq += 1;
            self.counters.evicted += 1;
            let g = &mut self.groups[r.group as usize];
            g.predicted.remove(false, r.prediction, 0, 1.0);
            match r.label {
                LabelState::Pending => g.pending -= 1,
                LabelState::Expired => g.expired -= 1,
                LabelState::Labelled(y) => g.labelled.remove(y, r.prediction, 0, 1.0),
            }
            // The index entry of its id, if it has one, is stale from now on.
            if let StoredId::Str { start, len } = r.id {
                self.arena.release(start + len as u64);
            }
        }
    }

    fn expire(&mut self) {
        let Some(timeout) = self.label_timeout else {
            return;
        };
        self.expiry_seq = self.expiry_seq.max(self.front_seq);
        while let Some(r) = self
            .records
            .get_mut((self.expiry_seq - self.front_seq) as usize)
        {
            if self.now - r.ts <= timeout {
                return;
            }
            if r.label == LabelState::Pending {
                r.label = LabelState::Expired;
                let g = &mut self.groups[r.group as usize];
                g.pending -= 1;
                g.expired += 1;
                self.counters.expired += 1;
            }
            self.expiry_seq += 1;
        }
    }

    /// Joins a label to its prediction.
    pub(crate) fn push_label(&mut self, id: IdRef<'_>, y: bool) -> LabelOutcome {
        self.counters.labels += 1;
        let hash = self.hash(id);
        let (records, arena, front) = (&self.records, &self.arena, self.front_seq);
        let seq = self
            .ids
            .find(hash, |&(h, s)| {
                h == hash && holds(records, arena, front, s, id)
            })
            .map(|&(_, s)| s);
        let record = seq.and_then(|s| self.records.get_mut((s - self.front_seq) as usize));
        let Some(r) = record else {
            self.counters.labels_unknown += 1;
            return LabelOutcome::Unknown;
        };
        match r.label {
            LabelState::Pending => {
                r.label = LabelState::Labelled(y);
                let g = &mut self.groups[r.group as usize];
                g.pending -= 1;
                g.labelled.push(y, r.prediction, 0, 1.0);
                self.counters.labels_joined += 1;
                LabelOutcome::Joined
            }
            LabelState::Labelled(_) => {
                self.counters.labels_duplicate += 1;
                LabelOutcome::Duplicate
            }
            LabelState::Expired => {
                self.counters.labels_late += 1;
                LabelOutcome::Late
            }
        }
    }

    /// The newest timestamp seen (`None` before the first prediction).
    pub(crate) fn now(&self) -> Option<f64> {
        self.now.is_finite().then_some(self.now)
    }

    pub(crate) fn bounds(&self) -> WindowBounds {
        let len = self.records.len() as u64;
        WindowBounds {
            size: len,
            first_seq: (len > 0).then_some(self.front_seq),
            last_seq: (len > 0).then(|| self.front_seq + len - 1),
            first_ts: self.records.front().map(|r| r.ts),
            last_ts: self.records.back().map(|r| r.ts),
        }
    }
}

/// Whether record `seq` is in the window (whose first record is `front`) and has the id `id`.
fn holds(records: &VecDeque<Record>, arena: &Arena, front: u64, seq: u64, id: IdRef<'_>) -> bool {
    let Some(r) = seq.checked_sub(front).and_then(|i| records.get(i as usize)) else {
        return false;
    };
    match (r.id, id) {
        (StoredId::Int(a), IdRef::Int(b)) => a == b,
        (StoredId::Str { start, len }, IdRef::Str(b)) => arena.get(start, len) == b,
        _ => false,
    }
}
