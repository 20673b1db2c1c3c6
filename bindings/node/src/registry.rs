//! The policies of this JavaScript thread, by number: the hot crossing
//! (`crossing.rs`) receives a policy as a small integer and looks it up
//! here, which is cheaper than napi-rs's checked `this` unwrapping and
//! needs no unchecked pointer from JavaScript.
//!
//! Each Node thread (main or worker) loads the addon into its own
//! environment and finalizes its own objects, so a thread-local table is
//! exactly as wide as a policy's reach.

use std::cell::RefCell;
use std::rc::Rc;

use unicors::Policy;

#[derive(Default)]
struct Table {
    slots: Vec<Option<Rc<Policy>>>,
    free: Vec<u32>,
}

thread_local! {
    static TABLE: RefCell<Table> = RefCell::default();
}

/// Registers `policy` and returns its number (valid until [`release`]).
pub(crate) fn register(policy: Rc<Policy>) -> u32 {
    TABLE.with(|table| {
        let mut table = table.borrow_mut();
        match table.free.pop() {
            Some(id) => {
                table.slots[id as usize] = Some(policy);
                id
            }
            None => {
                table.slots.push(Some(policy));
                u32::try_from(table.slots.len() - 1).expect("fewer than 2^32 live policies")
            }
        }
    })
}

/// Forgets policy `id` (its JS object was finalized). Quiet during thread
/// teardown, when the table may already be gone.
pub(crate) fn release(id: u32) {
    let _ = TABLE.try_with(|table| {
        let mut table = table.borrow_mut();
        if let Some(slot) = table.slots.get_mut(id as usize) {
            if slot.take().is_some() {
                table.free.push(id);
            }
        }
    });
}

/// The policy numbered `id`, if it is registered on this thread.
pub(crate) fn get(id: u32) -> Option<Rc<Policy>> {
    TABLE.with(|table| table.borrow().slots.get(id as usize).cloned().flatten())
}
