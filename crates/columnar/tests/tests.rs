//! Parquet in and out: round trips, projection, types, nulls, partitions, and damaged files.

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanArray, Date32Array, DictionaryArray, Float32Array, Float64Array, Int8Array,
    Int64Array, LargeStringArray, StringArray, UInt16Array,
};
use arrow::datatypes::{Field, Int32Type, Schema};
use arrow::record_batch::RecordBatch;
use bytes::Bytes;
use fairkit_columnar::{
    ColumnarError, Part, RowSource, accumulate_parts, partition_keys, read_parts,
    write_partitioned, write_rows, write_table,
};
use fairkit_data::counts::CellAccumulator;
use fairkit_data::{DataError, Table};
use parquet::arrow::ArrowWriter;
use proptest::prelude::*;

/// A Parquet file holding `columns` (nullable fields), as bytes, with the writer's default
/// row groups.
fn parquet_of(columns: Vec<(&str, ArrayRef)>) -> Bytes {
    write_parquet(columns, None)
}

/// `columns` (nullable fields) written in row groups of `group_rows` rows.
fn parquet_grouped(columns: Vec<(&str, ArrayRef)>, group_rows: usize) -> Bytes {
    let props = parquet::file::properties::WriterProperties::builder()
        .set_max_row_group_row_count(Some(group_rows))
        .build();
    write_parquet(columns, Some(props))
}

fn write_parquet(
    columns: Vec<(&str, ArrayRef)>,
    props: Option<parquet::file::properties::WriterProperties>,
) -> Bytes {
    let schema = Arc::new(Schema::new(
        columns
            .iter()
            .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
            .collect::<Vec<_>>(),
    ));
    let batch = RecordBatch::try_new(
        schema.clone(),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
    .unwrap();
    let mut out = Vec::new();
    let mut w = ArrowWriter::try_new(&mut out, schema, props).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    Bytes::from(out)
}

fn one(name: &str, bytes: Bytes) -> Vec<Part<Bytes>> {
    vec![Part {
        name: name.into(),
        keys: Vec::new(),
        reader: bytes,
    }]
}

fn read(bytes: Bytes, select: Option<&[String]>) -> Result<Table, ColumnarError> {
    read_parts("t.parquet", one("t.parquet", bytes), select)
}

fn texts(t: &Table, column: &str) -> Vec<String> {
    t.column(column)
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect()
}

fn table(csv: &str) -> Table {
    Table::from_csv(csv.as_bytes(), "t.csv").unwrap()
}

fn written(t: &Table) -> Bytes {
    let mut out = Vec::new();
    write_table(t, "t.parquet", &mut out).unwrap();
    Bytes::from(out)
}

#[test]
fn a_written_table_reads_back_value_for_value() {
    let t = table(
        "id,x,city,flag\n1,0.1,Paris,1\n-7,1e300,\"a, b\",0\n42,2.5,Zürich,1\n9007199254740993,-0,,0\n",
    );
    let back = read(written(&t), None).unwrap();
    assert_eq!(back.header(), t.header());
    for name in t.header() {
        assert_eq!(texts(&back, name), texts(&t, name), "column {name}");
    }
    assert_eq!(back.file(), "t.parquet");
}

#[test]
fn each_column_gets_the_narrowest_type_that_reads_back_as_the_same_text() {
    use fairkit_columnar::ColumnType;
    assert_eq!(ColumnType::of(["1", "-2", "30"]), ColumnType::Int);
    assert_eq!(ColumnType::of(["1", "2.5"]), ColumnType::Float);
    // "01", "1.0" and "1e5" would come back as "1", "1" and "100000": kept as strings.
    assert_eq!(ColumnType::of(["01", "2"]), ColumnType::Text);
    assert_eq!(ColumnType::of(["1.0", "2.5"]), ColumnType::Text);
    assert_eq!(ColumnType::of(["1e5"]), ColumnType::Text);
    assert_eq!(ColumnType::of(["NaN"]), ColumnType::Float);
    assert_eq!(ColumnType::of(["a", "1"]), ColumnType::Text);
}

#[test]
fn only_the_selected_columns_are_kept_in_file_order() {
    let t = table("a,b,c\n1,x,2.5\n2,y,3.5\n");
    let select = vec!["c".to_string(), "a".to_string()];
    let back = read(written(&t), Some(&select)).unwrap();
    assert_eq!(back.header(), ["a", "c"]);
    assert_eq!(texts(&back, "c"), ["2.5", "3.5"]);
    let missing = vec!["z".to_string()];
    let e = read(written(&t), Some(&missing)).unwrap_err();
    assert!(
        matches!(&e, ColumnarError::Data(d) if matches!(&**d, DataError::MissingColumn { column, .. } if column == "z")),
        "{e}"
    );
    assert!(e.to_string().contains("(columns: a, b, c)"), "{e}");
}

#[test]
fn every_supported_type_becomes_the_text_the_csv_reader_would_hold() {
    let dict: DictionaryArray<Int32Type> = vec!["b", "a", "b"].into_iter().collect();
    let bytes = parquet_of(vec![
        ("i8", Arc::new(Int8Array::from(vec![-128, 0, 127]))),
        ("u16", Arc::new(UInt16Array::from(vec![0, 1, 65535]))),
        (
            "i64",
            Arc::new(Int64Array::from(vec![i64::MIN, 0, i64::MAX])),
        ),
        (
            "f32",
            Arc::new(Float32Array::from(vec![0.1f32, -2.0, 1e-7])),
        ),
        ("f64", Arc::new(Float64Array::from(vec![0.1, 1e-7, -3.0]))),
        ("b", Arc::new(BooleanArray::from(vec![true, false, true]))),
        ("s", Arc::new(StringArray::from(vec!["x", "", "ü"]))),
        ("ls", Arc::new(LargeStringArray::from(vec!["p", "q", "r"]))),
        ("d", Arc::new(dict)),
    ]);
    let t = read(bytes, None).unwrap();
    assert_eq!(texts(&t, "i8"), ["-128", "0", "127"]);
    assert_eq!(texts(&t, "u16"), ["0", "1", "65535"]);
    assert_eq!(
        texts(&t, "i64"),
        ["-9223372036854775808", "0", "9223372036854775807"]
    );
    // 32-bit floats are widened exactly: the encoder sees the value the file holds.
    for (text, v) in texts(&t, "f32").iter().zip([0.1f32, -2.0, 1e-7]) {
        assert_eq!(
            text.parse::<f64>().unwrap().to_bits(),
            f64::from(v).to_bits()
        );
    }
    assert_eq!(texts(&t, "f32")[1], "-2");
    assert_eq!(texts(&t, "f64"), ["0.1", "0.0000001", "-3"]);
    assert_eq!(texts(&t, "b"), ["true", "false", "true"]);
    assert_eq!(texts(&t, "s"), ["x", "", "ü"]);
    assert_eq!(texts(&t, "ls"), ["p", "q", "r"]);
    assert_eq!(texts(&t, "d"), ["b", "a", "b"]);
}

#[test]
fn other_types_are_refused_naming_the_column_and_the_type() {
    let bytes = parquet_of(vec![
        ("x", Arc::new(Int64Array::from(vec![1, 2]))),
        ("when", Arc::new(Date32Array::from(vec![0, 1]))),
    ]);
    let e = read(bytes.clone(), None).unwrap_err().to_string();
    assert_eq!(
        e,
        "t.parquet: column 'when': type Date32 is not supported; fairkit reads integer, float, \
         boolean and string columns (dictionary-encoded included): cast it to one of those"
    );
    // Not selected, not read: the type does not matter then.
    let x = vec!["x".to_string()];
    assert!(read(bytes, Some(&x)).is_ok());
}

#[test]
fn a_null_is_refused_naming_file_row_and_column() {
    let bytes = parquet_of(vec![
        (
            "x",
            Arc::new(Int64Array::from(vec![Some(1), Some(2), None])),
        ),
        (
            "g",
            Arc::new(StringArray::from(vec![Some("a"), None, Some("b")])),
        ),
    ]);
    let x = vec!["x".to_string()];
    let e = read(bytes.clone(), Some(&x)).unwrap_err().to_string();
    assert_eq!(
        e,
        "t.parquet: row 3, column 'x': null value (missing values must be filled in)"
    );
    let g = vec!["g".to_string()];
    let e = read(bytes, Some(&g)).unwrap_err().to_string();
    assert!(
        e.starts_with("t.parquet: row 2, column 'g': null value"),
        "{e}"
    );
}

#[test]
fn a_file_with_no_rows_is_refused_as_a_csv_with_a_header_only() {
    let bytes = parquet_of(vec![("x", Arc::new(Int64Array::from(Vec::<i64>::new())))]);
    let e = read(bytes, None).unwrap_err();
    assert!(
        matches!(&e, ColumnarError::Data(d) if matches!(**d, DataError::HeaderOnly { .. })),
        "{e}"
    );
}

#[test]
fn damaged_and_foreign_files_are_one_line_errors_never_panics() {
    let t = table("a,b,c\n1,x,2.5\n2,y,3.5\n3,z,4.5\n");
    let good = written(&t);
    let mut checked = 0;
    for cut in 0..good.len() {
        let e = read(good.slice(..cut), None).unwrap_err().to_string();
        assert!(e.starts_with("t.parquet: "), "cut at {cut}: {e}");
        assert!(!e.contains('\n'), "cut at {cut}: {e}");
        checked += 1;
    }
    assert_eq!(checked, good.len());
    // Every byte of the file flipped in turn: an error or a table, never a panic.
    for at in 0..good.len() {
        let mut bad = good.to_vec();
        bad[at] ^= 0xA5;
        if let Err(e) = read(Bytes::from(bad), None) {
            assert!(!e.to_string().contains('\n'), "flip at {at}: {e}");
        }
    }
    let e = read(Bytes::from_static(b"a,b\n1,2\n"), None).unwrap_err();
    assert!(matches!(e, ColumnarError::Corrupt { .. }), "{e}");
    assert!(e.to_string().contains("not a readable Parquet file"), "{e}");
}

#[test]
fn folder_names_give_partition_keys() {
    assert_eq!(
        partition_keys(&["a=1", "b=x%3Dy%20z"]).unwrap(),
        [("a".into(), "1".into()), ("b".into(), "x=y z".into())]
    );
    assert!(partition_keys(&["=1"]).is_err());
    let e = partition_keys(&["2024"]).unwrap_err().to_string();
    assert!(e.contains("key=value"), "{e}");
}

/// Rows from a table, as the simulator hands them out.
struct Rows<'a> {
    table: &'a Table,
    next: usize,
}

impl RowSource for Rows<'_> {
    fn header(&self) -> Vec<String> {
        self.table.header().to_vec()
    }

    fn next_row(&mut self, row: &mut Vec<String>) -> bool {
        if self.next == self.table.n_rows() {
            return false;
        }
        row.clear();
        row.extend(
            (0..self.table.n_columns()).map(|j| self.table.column_at(j).get(self.next).to_string()),
        );
        self.next += 1;
        true
    }
}

#[test]
fn a_partitioned_dataset_reads_back_with_its_key_as_a_column() {
    let t = table("x,g,y\n1.5,b,1\n2.5,a/1,0\n3.5,b,0\n4.5,a/1,1\n");
    let mut rows = Rows { table: &t, next: 0 };
    let files = write_partitioned(&mut rows, "out", "g", |_| Ok(Vec::new())).unwrap();
    let paths: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
    assert_eq!(
        paths,
        ["g=a%2F1/part-00000.parquet", "g=b/part-00000.parquet"]
    );
    let parts: Vec<Part<Bytes>> = files
        .into_iter()
        .map(|(path, bytes)| {
            let folder = path.parent().unwrap().to_str().unwrap().to_string();
            Part {
                name: path.display().to_string(),
                keys: partition_keys(&[folder]).unwrap(),
                reader: Bytes::from(bytes),
            }
        })
        .collect();
    let back = read_parts("out", parts, None).unwrap();
    assert_eq!(back.header(), ["x", "y", "g"]);
    assert_eq!(texts(&back, "x"), ["2.5", "4.5", "1.5", "3.5"]);
    assert_eq!(texts(&back, "y"), ["0", "1", "1", "0"]);
    assert_eq!(texts(&back, "g"), ["a/1", "a/1", "b", "b"]);
}

#[test]
fn the_files_of_a_dataset_must_agree() {
    let t = table("x,y\n1,2\n");
    let part = |name: &str, keys: &[(&str, &str)], bytes: Bytes| Part {
        name: name.into(),
        keys: keys
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        reader: bytes,
    };
    let other = written(&table("x,z\n1,2\n"));
    let e = read_parts(
        "d",
        vec![part("d/a", &[], written(&t)), part("d/b", &[], other)],
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(e.starts_with("d/b: has no column 'y'"), "{e}");
    let e = read_parts(
        "d",
        vec![
            part("d/k=1/a", &[("k", "1")], written(&t)),
            part("d/b", &[], written(&t)),
        ],
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("partition keys"), "{e}");
    let e = read_parts("d", vec![part("d/y=1/a", &[("y", "1")], written(&t))], None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("both in the file and a partition key"), "{e}");
    let e = read_parts(
        "d",
        vec![part(
            "d/k=__HIVE_DEFAULT_PARTITION__/a",
            &[("k", "__HIVE_DEFAULT_PARTITION__")],
            written(&t),
        )],
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("column 'k': null value"), "{e}");
    let e = read_parts::<Bytes>("d", Vec::new(), None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("holds no data files"), "{e}");
}

#[test]
fn streamed_rows_keep_the_type_of_their_first_rows() {
    let n = fairkit_columnar::BATCH_ROWS + 1;
    let mut csv = String::from("k\n");
    for i in 0..n - 1 {
        csv.push_str(&format!("{i}\n"));
    }
    csv.push_str("2.5\n");
    let t = table(&csv);
    let mut out = Vec::new();
    let e = write_rows(&mut Rows { table: &t, next: 0 }, "big.parquet", &mut out)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        format!(
            "big.parquet: row {n}, column 'k': value '2.5' is not a whole number in its shortest \
             form, as the column's first {} rows were when its Parquet type was chosen",
            n - 1
        )
    );
}

proptest! {
    #[test]
    fn numbers_round_trip_as_text(ints in prop::collection::vec(any::<i64>(), 1..50),
                                  bits in prop::collection::vec(any::<u64>(), 1..50)) {
        let floats: Vec<String> = bits
            .iter()
            .map(|&b| f64::from_bits(b))
            .filter(|v| v.is_finite())
            .map(|v| v.to_string())
            .collect();
        prop_assume!(!floats.is_empty());
        let n = ints.len().min(floats.len());
        let columns = vec![
            ints[..n].iter().map(|v| v.to_string()).collect::<Vec<_>>(),
            floats[..n].to_vec(),
        ];
        let t = Table::from_columns("p", vec!["i".into(), "f".into()], &columns).unwrap();
        let back = read(written(&t), None).unwrap();
        prop_assert_eq!(texts(&back, "i"), columns[0].clone());
        prop_assert_eq!(texts(&back, "f"), columns[1].clone());
    }
}

/// 20,000 rows over every kind of key column (integers, booleans, 32-bit floats, strings,
/// dictionary-encoded strings) and float weights that vary within cells.
fn streamed_file(group_rows: usize) -> Bytes {
    let n = 20_000usize;
    let h = |i: usize, k: u64| (i as u64).wrapping_mul(2_654_435_761).rotate_left(k as u32) % 1000;
    let label: Vec<i64> = (0..n).map(|i| i64::from(h(i, 0) < 400)).collect();
    let pred: Vec<bool> = (0..n).map(|i| h(i, 5) < 450).collect();
    let score: Vec<f32> = (0..n)
        .map(|i| [0.1f32, 0.5, 2.0][(h(i, 9) % 3) as usize])
        .collect();
    let region: Vec<&str> = (0..n)
        .map(|i| ["n", "s", "e"][(h(i, 13) % 3) as usize])
        .collect();
    let race: DictionaryArray<Int32Type> = (0..n)
        .map(|i| ["a", "b"][(h(i, 17) % 2) as usize])
        .collect();
    let w: Vec<f64> = (0..n).map(|i| 0.25 + (h(i, 21) % 7) as f64 * 0.3).collect();
    parquet_grouped(
        vec![
            ("y", Arc::new(Int64Array::from(label)) as ArrayRef),
            ("p", Arc::new(BooleanArray::from(pred))),
            ("s", Arc::new(Float32Array::from(score))),
            ("region", Arc::new(StringArray::from(region))),
            ("race", Arc::new(race)),
            ("w", Arc::new(Float64Array::from(w))),
        ],
        group_rows,
    )
}

/// The cells of a table counted row by row: the oracle of the streamed reader.
fn cells_of(t: &Table, keys: &[String], weights: Option<&str>) -> Table {
    let mut a = CellAccumulator::new(keys.len(), weights.is_some());
    for i in 0..t.n_rows() {
        let w = weights.map_or(1.0, |c| t.column(c).unwrap().get(i).parse().unwrap());
        a.add(
            t.line(i),
            keys.iter().map(|k| t.column(k).unwrap().get(i).as_bytes()),
            w,
        );
    }
    a.finish_with("t", keys, "count", weights, Some("var"))
        .unwrap()
}

/// Streamed row group by row group (in parallel), the cells are those of the rows read into a
/// table and counted one by one: the same keys, in the same order, on the same lines, the same
/// counts; weight sums and variances to 1e-12 (added in another order). On one thread and on
/// two the bytes are the same.
#[test]
fn streamed_cells_are_the_cells_of_the_rows() {
    let keys: Vec<String> = ["region", "race", "y", "p", "s"].map(String::from).to_vec();
    for group_rows in [20_000, 3_000, 777] {
        let bytes = streamed_file(group_rows);
        let t = read(bytes.clone(), None).unwrap();
        for weights in [None, Some("w")] {
            let want = cells_of(&t, &keys, weights);
            let stream = |threads: usize| {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                pool.install(|| {
                    accumulate_parts("t.parquet", one("t.parquet", bytes.clone()), &keys, weights)
                        .unwrap()
                        .finish_with("t", &keys, "count", weights, Some("var"))
                        .unwrap()
                })
            };
            let got = stream(2);
            assert_eq!(got.header(), want.header());
            assert_eq!(got.n_rows(), want.n_rows());
            for i in 0..got.n_rows() {
                assert_eq!(got.line(i), want.line(i), "row {i}");
            }
            for name in keys.iter().map(String::as_str).chain(["count"]) {
                assert_eq!(texts(&got, name), texts(&want, name), "{name}");
            }
            if weights.is_some() {
                for name in ["w", "var"] {
                    for (a, b) in texts(&got, name).iter().zip(texts(&want, name)) {
                        let (a, b): (f64, f64) = (a.parse().unwrap(), b.parse().unwrap());
                        assert!((a - b).abs() <= 1e-12 * a.abs().max(1.0), "{name}: {a} {b}");
                    }
                }
                assert!(texts(&got, "var").iter().any(|v| v != "0"));
            }
            let one_thread = stream(1);
            for name in got.header() {
                assert_eq!(texts(&got, name), texts(&one_thread, name), "{name}");
            }
        }
    }
}

/// Nulls and bad weights met while streaming name the file, the row and the column.
#[test]
fn streamed_errors_name_the_row() {
    let mut y: Vec<Option<i64>> = (0..5000).map(|i| Some(i % 2)).collect();
    y[4321] = None;
    let w: Vec<f64> = (0..5000)
        .map(|i| if i == 3999 { -1.0 } else { 1.0 })
        .collect();
    let g: Vec<&str> = (0..5000).map(|i| ["a", "b"][i % 2]).collect();
    let bytes = parquet_grouped(
        vec![
            ("y", Arc::new(Int64Array::from(y)) as ArrayRef),
            ("g", Arc::new(StringArray::from(g))),
            ("w", Arc::new(Float64Array::from(w))),
        ],
        1000,
    );
    let keys: Vec<String> = ["g", "y"].map(String::from).to_vec();
    let e = accumulate_parts("t.parquet", one("t.parquet", bytes.clone()), &keys, None)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "t.parquet: row 4322, column 'y': null value (missing values must be filled in)"
    );
    let e = accumulate_parts(
        "t.parquet",
        one("t.parquet", bytes.clone()),
        &keys[..1],
        Some("w"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("line 4001, row 4000") && e.contains("'w'"),
        "{e}"
    );
    let e = accumulate_parts(
        "t.parquet",
        one("t.parquet", bytes),
        &["z".to_string()],
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("'z'") || e.contains("z"), "{e}");
}
