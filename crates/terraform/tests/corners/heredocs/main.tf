# Heredocs as HCL reads them: a `~` strips only the line beside its sequence, and `<<-`
# removes the smallest indentation from every line, in `%{if}` and `%{for}` bodies too,
# after the strip markers; whitespace-only lines neither count nor change.
resource "terraform_data" "v" {
  input = {
    nested                       = <<-EOT
      a
      %{if true}
      b
      %{endif}
    EOT
    nested_deeper                = <<-EOT
      a
      %{if true}
        b
      %{endif}
    EOT
    interpolation_at_line_start  = <<-EOT
      a
    ${"x"}
      b
    EOT
    strip_then_dedent            = <<-EOT
        one
      %{~if true~}
        two
      %{~endif~}
    EOT
    stripped_newline_joins_lines = <<-EOT
        a ${"q"~}
          b
        c
    EOT
    strip_before                 = <<-EOT
        a
          b ${~"q"}
        c
    EOT
    not_flush                    = <<EOT
  a ${~"q"~}
  b
EOT
    blank_lines                  = <<-EOT
        a

        b
    EOT
    whitespace_lines             = <<-EOT
        a
      
        b
              
    EOT
    for_loop                     = <<-EOT
      items:
      %{for n in ["x", "y"]~}
        - ${n}
      %{endfor~}
      done
    EOT
  }
}

output "v" {
  value = terraform_data.v.input
}
