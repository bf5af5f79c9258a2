# An object constructor may repeat a key; the last value wins, however the key is written,
# even when it is written another way in between.
locals {
  k        = "a"
  settings = { a = 1, a = 2, "a" = 3, b = "x", b = "y" }
  mixed    = { a = 1, "a" = 2, a = 3 }
  computed = { (local.k) = 1, a = 2, (local.k) = 3 }
  nested = {
    inner = { k = "first" }
    inner = { k = "second", j = true }
  }
}

resource "terraform_data" "v" {
  input = {
    settings = local.settings
    mixed    = local.mixed
    computed = local.computed
    nested   = local.nested
  }
}

output "v" {
  value = terraform_data.v.input
}
