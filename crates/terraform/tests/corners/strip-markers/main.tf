# `~` in a template's `${ }` or `%{ }` strips the whitespace beside it: before the tag when
# it follows the opening brace, after the tag when it precedes the closing one.
variable "names" {
  default = ["a", "b", "c"]
}

locals {
  interpolation = "x   ${~"y"~}   z"
  one_side      = "x   ${~"y"}   z"
  if_else       = "[ %{~if false~} no %{~else~}   yes   %{~endif~} ]"
  if_only       = "[ %{if true~}   kept right   %{endif} ]"
  for_loop      = "<%{for n in var.names~} ${n} %{~endfor}>"
  heredoc       = <<-EOT
    first
    %{~for n in var.names~}
    ${n},
    %{~endfor~}
    last
  EOT
}

resource "terraform_data" "v" {
  input = {
    interpolation = local.interpolation
    one_side      = local.one_side
    if_else       = local.if_else
    if_only       = local.if_only
    for_loop      = local.for_loop
    heredoc       = local.heredoc
  }
}

output "v" {
  value = terraform_data.v.input
}
