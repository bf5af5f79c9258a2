//! Container image references: which ECR repository an image is in, and the same image
//! at another tag.

/// An image reference split into registry, repository and tag or digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// `123456789012.dkr.ecr.us-east-1.amazonaws.com`, `docker.io`, or empty for Docker
    /// Hub's short form.
    pub registry: String,
    pub repository: String,
    /// `:tag`, `@sha256:…`, or empty.
    pub reference: String,
}

/// An image in an Amazon ECR private registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcrImage {
    pub registry_id: String,
    pub region: String,
    pub repository: String,
}

impl ImageRef {
    pub fn parse(image: &str) -> ImageRef {
        // The registry is the first path part when it looks like a host.
        let (registry, rest) = match image.split_once('/') {
            Some((host, rest))
                if host.contains('.') || host.contains(':') || host == "localhost" =>
            {
                (host.to_string(), rest)
            }
            _ => (String::new(), image),
        };
        let (repository, reference) = if let Some(at) = rest.find('@') {
            (&rest[..at], &rest[at..])
        } else {
            match rest.rfind(':') {
                Some(colon) => (&rest[..colon], &rest[colon..]),
                None => (rest, ""),
            }
        };
        ImageRef {
            registry,
            repository: repository.to_string(),
            reference: reference.to_string(),
        }
    }

    /// The tag, when the reference is one.
    pub fn tag(&self) -> Option<&str> {
        self.reference.strip_prefix(':')
    }

    /// This image at `tag`; a digest is dropped.
    pub fn with_tag(&self, tag: &str) -> String {
        if self.registry.is_empty() {
            format!("{}:{tag}", self.repository)
        } else {
            format!("{}/{}:{tag}", self.registry, self.repository)
        }
    }

    /// `ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn]`: the account and Region.
    /// <https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html>
    pub fn ecr(&self) -> Option<EcrImage> {
        let host = self.registry.as_str();
        let host = host
            .strip_suffix(".amazonaws.com")
            .or_else(|| host.strip_suffix(".amazonaws.com.cn"))?;
        let mut parts = host.split('.');
        let account = parts.next()?;
        let dkr = parts.next()?;
        let ecr = parts.next()?;
        let region = parts.next()?;
        let valid = account.len() == 12
            && account.bytes().all(|b| b.is_ascii_digit())
            && dkr == "dkr"
            && (ecr == "ecr" || ecr == "ecr-fips")
            && parts.next().is_none();
        valid.then(|| EcrImage {
            registry_id: account.to_string(),
            region: region.to_string(),
            repository: self.repository.clone(),
        })
    }
}

/// A tag ECR accepts: 1 to 128 of letters, digits, `_`, `.` and `-`, not starting with
/// `.` or `-`.
pub fn is_valid_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag.len() <= 128
        && !tag.starts_with(['.', '-'])
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecr_images_are_recognised() {
        let i = ImageRef::parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/api:abc123");
        assert_eq!(i.repository, "shop/api");
        assert_eq!(i.tag(), Some("abc123"));
        let ecr = i.ecr().unwrap();
        assert_eq!(ecr.registry_id, "123456789012");
        assert_eq!(ecr.region, "us-east-1");
        assert_eq!(
            i.with_tag("def456"),
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/api:def456"
        );
    }

    #[test]
    fn digests_ports_and_other_registries() {
        let i = ImageRef::parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com/api@sha256:ab");
        assert_eq!(i.tag(), None);
        assert_eq!(i.reference, "@sha256:ab");
        assert!(i.ecr().is_some());
        let local = ImageRef::parse("localhost:5000/api:1.2");
        assert_eq!(
            (local.registry.as_str(), local.tag()),
            ("localhost:5000", Some("1.2"))
        );
        assert!(local.ecr().is_none());
        let hub = ImageRef::parse("nginx:1.27");
        assert_eq!(
            (hub.registry.as_str(), hub.repository.as_str()),
            ("", "nginx")
        );
        assert_eq!(hub.with_tag("1.28"), "nginx:1.28");
        assert!(ImageRef::parse("public.ecr.aws/nginx/nginx:1")
            .ecr()
            .is_none());
    }

    #[test]
    fn tags() {
        assert!(is_valid_tag("v1.2.3_rc-1"));
        assert!(!is_valid_tag(""));
        assert!(!is_valid_tag("-x"));
        assert!(!is_valid_tag("a/b"));
        assert!(!is_valid_tag(&"a".repeat(129)));
    }
}
