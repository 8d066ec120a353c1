//! Drift check for the checked-in C header: regenerates `include/hpcsched.h` in memory with
//! cbindgen and compares. `UPDATE_HEADER=1 cargo test -p hpcsched-ffi --test header`
//! rewrites it.

use std::path::Path;

#[test]
fn header_is_up_to_date() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let header = crate_dir.join("../include/hpcsched.h");
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("ffi/cbindgen.toml is readable and valid");
    let mut fresh = Vec::new();
    cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut fresh);
    if std::env::var_os("UPDATE_HEADER").is_some() {
        std::fs::write(&header, &fresh).expect("include/hpcsched.h is writable");
        return;
    }
    let current = std::fs::read(&header).unwrap_or_default();
    assert!(
        current == fresh,
        "include/hpcsched.h is stale; run `UPDATE_HEADER=1 cargo test -p hpcsched-ffi --test header` and commit it"
    );
}
