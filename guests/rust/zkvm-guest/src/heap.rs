//! The heap: a bump allocator over guest memory from the end of the program (`_end`) to the top of
//! guest memory. Allocation is a pointer increment; memory is reclaimed only when the most recent
//! allocation is freed or resized (the common `Vec` growth pattern), as in RISC Zero's default guest
//! allocator. Running out of memory is an allocation error, which panics (exit code 101).

use crate::global::Global;
use core::alloc::{GlobalAlloc, Layout};

/// One past the last byte of guest memory (`GUEST_MAX_MEM` in docs/abi.md §3).
const HEAP_END: usize = 0x0c00_0000;

struct Bump {
    /// Next free byte; 0 until the first allocation.
    next: usize,
}

static STATE: Global<Bump> = Global::new(Bump { next: 0 });

struct BumpAllocator;

#[cfg(target_arch = "riscv32")]
fn heap_start() -> usize {
    extern "C" {
        static _end: u8;
    }
    core::ptr::addr_of!(_end) as usize
}

#[cfg(not(target_arch = "riscv32"))]
fn heap_start() -> usize {
    panic!("zkvm-guest: the guest heap exists only inside the zkVM")
}

impl Bump {
    fn start(&mut self) -> usize {
        if self.next == 0 {
            self.next = heap_start();
        }
        self.next
    }
}

unsafe impl GlobalAlloc for BumpAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        STATE.with(|s| {
            let start = s.start();
            // Layout guarantees a power-of-two alignment.
            let Some(aligned) = start.checked_add(layout.align() - 1).map(|p| p & !(layout.align() - 1)) else {
                return core::ptr::null_mut();
            };
            match aligned.checked_add(layout.size()) {
                Some(end) if end <= HEAP_END => {
                    s.next = end;
                    aligned as *mut u8
                }
                _ => core::ptr::null_mut(),
            }
        })
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        STATE.with(|s| {
            if ptr as usize + layout.size() == s.next {
                s.next = ptr as usize;
            }
        })
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let in_place = STATE.with(|s| {
            let is_last = ptr as usize + layout.size() == s.next;
            match (ptr as usize).checked_add(new_size) {
                Some(end) if is_last && end <= HEAP_END => {
                    s.next = end;
                    true
                }
                _ => new_size <= layout.size(),
            }
        });
        if in_place {
            return ptr;
        }
        let new = self.alloc(Layout::from_size_align_unchecked(new_size, layout.align()));
        if !new.is_null() {
            core::ptr::copy_nonoverlapping(ptr, new, layout.size());
        }
        new
    }
}

#[cfg(target_arch = "riscv32")]
#[global_allocator]
static ALLOCATOR: BumpAllocator = BumpAllocator;
