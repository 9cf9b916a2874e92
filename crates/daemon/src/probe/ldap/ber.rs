//! The little of BER (X.690) that an LDAP check writes and reads: one
//! tag byte, definite lengths (short form, or long form up to 4 bytes).
//! Written for this check alone: the LDAP crates bring a whole client
//! (and their own runtime) for two requests and three replies.

/// The largest element read (1 MiB): a check's replies are small.
const MAX_LEN: usize = 1 << 20;

/// One element: its tag byte and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The tag byte (class, constructed bit, number below 31).
    pub tag: u8,
    /// Its contents.
    pub value: &'a [u8],
}

/// `value` under `tag`, its length in the shortest form.
///
/// ```
/// use rvsadmd::probe::ldap::ber::encode;
/// assert_eq!(encode(0x04, b"ab"), [0x04, 2, b'a', b'b']);
/// assert_eq!(encode(0x04, &[0; 200])[..3], [0x04, 0x81, 200]);
/// ```
pub fn encode(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = value.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes = (n as u32).to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (4 - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(value);
    out
}

/// A small non-negative INTEGER (or ENUMERATED, by its tag): a message
/// id, a version, a scope.
///
/// ```
/// use rvsadmd::probe::ldap::ber::small;
/// assert_eq!(small(0x02, 3), [0x02, 1, 3]);
/// assert_eq!(small(0x02, 200), [0x02, 2, 0, 200]);
/// ```
pub fn small(tag: u8, n: u8) -> Vec<u8> {
    if n < 0x80 {
        encode(tag, &[n])
    } else {
        encode(tag, &[0, n])
    }
}

/// The element at the start of `buf` and the bytes it takes: `Ok(None)`
/// while it is not all there.
///
/// ```
/// use rvsadmd::probe::ldap::ber::read;
/// let (t, n) = read(&[0x30, 0x81, 1, 7, 9]).unwrap().unwrap();
/// assert_eq!((t.tag, t.value, n), (0x30, &[7u8][..], 4));
/// assert_eq!(read(&[0x30, 5, 1]).unwrap(), None);
/// assert!(read(&[0x30, 0x80]).is_err());
/// ```
pub fn read(buf: &[u8]) -> Result<Option<(Tlv<'_>, usize)>, String> {
    let (Some(&tag), Some(&first)) = (buf.first(), buf.get(1)) else {
        return Ok(None);
    };
    if tag & 0x1f == 0x1f {
        return Err("a BER tag of more than one byte".into());
    }
    let (len, head) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let k = usize::from(first & 0x7f);
        if k == 0 || k > 4 {
            return Err("a BER length that is indefinite or too long".into());
        }
        let Some(bytes) = buf.get(2..2 + k) else {
            return Ok(None);
        };
        let n = bytes.iter().fold(0usize, |n, &b| (n << 8) | usize::from(b));
        (n, 2 + k)
    };
    if len > MAX_LEN {
        return Err(format!(
            "a BER element of {len} bytes (a check reads up to 1 MiB)"
        ));
    }
    Ok(buf
        .get(head..head + len)
        .map(|value| (Tlv { tag, value }, head + len)))
}

/// The elements one after another in `value` (a SEQUENCE's contents);
/// one cut short is an error.
pub fn elements(mut value: &[u8]) -> Result<Vec<Tlv<'_>>, String> {
    let mut out = Vec::new();
    while !value.is_empty() {
        let (t, n) = read(value)?.ok_or("a BER element cut short")?;
        out.push(t);
        value = &value[n..];
    }
    Ok(out)
}

/// An INTEGER's or ENUMERATED's value, if it fits in 32 bits and is not
/// negative.
pub fn to_u32(value: &[u8]) -> Option<u32> {
    if value.is_empty() || value.len() > 5 || value[0] & 0x80 != 0 {
        return None;
    }
    let n = value.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b));
    u32::try_from(n).ok()
}
