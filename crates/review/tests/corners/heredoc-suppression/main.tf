terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}

locals {
  # The script's own comments are text of the heredoc, not wharf's.
  start_script = <<-EOT
    #!/bin/sh
    # wharf:ignore[WH101] a line of the script, which no reviewer wrote
  EOT
}

# wharf:ignore[WH101] the migration chowns the shared volume, once, as root
resource "aws_ecs_task_definition" "suppressed_with_notes" {
  family                = "migrate"
  container_definitions = jsonencode([{ name = "migrate", image = "app:1.0" }])
  tags = {
    # A bracket in a heredoc's text opens nothing: the suppression ends with this block.
    notes = <<-EOT
      Runs once (see the runbook
    EOT
  }
}

resource "aws_ecs_task_definition" "fail_after_heredoc" {
  family = "after-heredoc"
  container_definitions = jsonencode([{
    name    = "app"
    image   = "app:1.0"
    command = ["sh", "-c", local.start_script]
  }])
}

resource "aws_iam_policy" "suppressed_heredoc_policy" {
  name = "reads-every-bucket"
  # wharf:ignore[WH107] the audit role reads every bucket of the account
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": "s3:GetObject",
          "Resource": "*"
        }
      ]
    }
  EOT
}
