//! Grows its memory to the maximum the module declares (wasm32-wasip1-threads links with a
//! 1 GiB maximum): allocates in 16 MiB blocks until the allocator fails, then grows the memory
//! page by page until `memory.grow` fails, and frees and allocates again.
fn main() {
    let mut blocks: Vec<Vec<u8>> = Vec::new();
    loop {
        let mut block = Vec::new();
        if block.try_reserve_exact(16 << 20).is_err() {
            break;
        }
        blocks.push(block);
    }
    println!("reserved {} MiB in 16 MiB blocks", blocks.len() * 16);
    let mut pages_added = 0;
    while core::arch::wasm32::memory_grow::<0>(1) != usize::MAX {
        pages_added += 1;
    }
    let pages = core::arch::wasm32::memory_size::<0>();
    println!("then {pages_added} more pages: memory is {pages} pages, and does not grow");
    drop(blocks);
    // Allocation works again once memory is freed.
    let v = vec![1u8; 1 << 20];
    println!("after freeing: allocated {} bytes", v.len());
}
