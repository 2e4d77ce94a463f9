//! Personal data as a read side hands it out: sealed, so that the only way to the data is
//! [`Personal::open`] with the caller it is shown to, which notes the read on the caller's
//! read log. A resolver, a page or an export cannot show personal data unaudited by
//! forgetting a call: without the caller it gets nothing to show.

use uuid::Uuid;

use super::Caller;

/// The personal part of one record (`kind` `id`): the data when the scoped store returned
/// it (the caller reads the record in FULL), else nothing.
#[derive(Clone, Debug)]
pub struct Personal<T> {
    kind: &'static str,
    id: Uuid,
    data: Option<T>,
}

impl<T> Personal<T> {
    /// Seals `data` read for record `kind` `id`; `None` when the caller may not read it.
    pub fn sealed(kind: &'static str, id: Uuid, data: Option<T>) -> Personal<T> {
        Personal { kind, id, data }
    }

    /// The data for `caller`, noting the read on its read log; `None`, and no note, when
    /// there is none to show.
    pub fn open(&self, caller: &Caller) -> Option<&T> {
        let data = self.data.as_ref()?;
        caller.note_read(self.kind, self.id);
        Some(data)
    }

    /// What `pick` takes from the data for `caller`, noting the read only when it took
    /// something: a field that is empty hands nothing out.
    pub fn open_some<U>(&self, caller: &Caller, pick: impl FnOnce(&T) -> Option<U>) -> Option<U> {
        let picked = pick(self.data.as_ref()?)?;
        caller.note_read(self.kind, self.id);
        Some(picked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_notes_the_read_and_nothing_to_open_notes_nothing() {
        let caller = Caller::new(None, "r", chrono::Utc::now());
        let (id, other) = (Uuid::now_v7(), Uuid::now_v7());
        let nothing: Personal<&str> = Personal::sealed("signal", other, None);
        assert_eq!(nothing.open(&caller), None);
        let name = Personal::sealed("signal", id, Some("Иванова"));
        assert_eq!(name.open_some(&caller, |_| None::<()>), None);
        assert!(
            caller.reads().is_empty(),
            "nothing handed out, nothing noted"
        );
        assert_eq!(name.open(&caller), Some(&"Иванова"));
        assert_eq!(caller.reads().take(), vec![("signal", id)]);
    }
}
