//! One file table for all threads: a descriptor opened by one thread is used and closed by
//! another, and threads sharing a descriptor share its offset. The first argument is a
//! directory under a --dir preopen.
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd};

fn main() {
    let dir = std::env::args().nth(1).expect("directory argument");
    let path = format!("{dir}/shared.txt");

    // Main opens and writes; a thread reads through the same descriptor number.
    let mut file = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .expect("create shared.txt");
    file.write_all(b"written by main\n").unwrap();
    let fd = file.as_raw_fd();
    let read_by_thread = std::thread::spawn(move || {
        // SAFETY: `fd` stays open in main (ManuallyDrop: the thread does not close it).
        let mut same = std::mem::ManuallyDrop::new(unsafe { File::from_raw_fd(fd) });
        // The offset is shared: main's write left it at the end.
        let at = same.stream_position().unwrap();
        same.seek(SeekFrom::Start(0)).unwrap();
        let mut word = [0u8; 8];
        same.read_exact(&mut word).unwrap();
        (at, String::from_utf8_lossy(&word).into_owned())
    })
    .join()
    .unwrap();
    println!(
        "thread saw offset {} and read {:?}",
        read_by_thread.0, read_by_thread.1
    );
    // The thread's reads moved the offset main sees.
    println!(
        "main offset after thread read: {}",
        file.stream_position().unwrap()
    );

    // A thread opens a file and hands over the bare number; main reads it and closes it.
    let other = format!("{dir}/other.txt");
    std::fs::write(&other, "opened by a thread\n").unwrap();
    let handed = std::thread::spawn(move || File::open(other).unwrap().into_raw_fd())
        .join()
        .unwrap();
    // SAFETY: the thread gave up ownership of `handed` with into_raw_fd.
    let mut from_thread = unsafe { File::from_raw_fd(handed) };
    let mut text = String::new();
    from_thread.read_to_string(&mut text).unwrap();
    print!("main read: {text}");
    drop(from_thread); // closed by main
    let closed = std::thread::spawn(move || {
        // SAFETY: only probes the number; the descriptor was closed by main.
        let probe = std::mem::ManuallyDrop::new(unsafe { File::from_raw_fd(handed) });
        probe.metadata().is_err()
    })
    .join()
    .unwrap();
    println!("thread sees it closed: {closed}");
}
