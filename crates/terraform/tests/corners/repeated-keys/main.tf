# An object constructor may repeat a key; the last value wins, however the key is written.
locals {
  settings = { a = 1, a = 2, "a" = 3, b = "x", b = "y" }
  nested = {
    inner = { k = "first" }
    inner = { k = "second", j = true }
  }
}

resource "terraform_data" "v" {
  input = {
    settings = local.settings
    nested   = local.nested
  }
}

output "v" {
  value = terraform_data.v.input
}
