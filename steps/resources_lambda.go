package steps

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/session"
)

// The gateway's Lambda target's function, made as the starter toolkit's
// gateway quickstart makes it (bedrock_agentcore_starter_toolkit/operations/
// gateway/create_lambda.py, toolkit commit 4f90432): a python3.13 zip with
// lambda_function.py, its execution role, and a permission letting the
// gateway's role invoke it.

// ResFunction is the ledger's kind for a Lambda function (never change it).
const ResFunction ResourceKind = "lambda-function" // Name: function name; PhysicalID: its ARN

// gatewayFunctionCode is the toolkit's LAMBDA_FUNCTION_CODE
// (operations/gateway/constants.py), the function the sandbox's stand-in
// answers for.
const gatewayFunctionCode = `
import json

def lambda_handler(event, context):
    # Extract tool name from context
    tool_name = context.client_context.custom.get('bedrockAgentCoreToolName', 'unknown')

    if 'get_weather' in tool_name:
        return {
            'statusCode': 200,
            'body': json.dumps({
                'location': event.get('location', 'Unknown'),
                'temperature': '72°F',
                'conditions': 'Sunny'
            })
        }
    elif 'get_time' in tool_name:
        return {
            'statusCode': 200,
            'body': json.dumps({
                'timezone': event.get('timezone', 'UTC'),
                'time': '2:30 PM'
            })
        }
    else:
        return {
            'statusCode': 200,
            'body': json.dumps({'message': 'Unknown tool'})
        }
`

// functionSpec is a function with its role and the role allowed to call it.
type functionSpec struct{ name, role, caller string }

var functions = resource[functionSpec]{
	kind: ResFunction,
	key:  func(s functionSpec) (string, map[string]string) { return s.name, nil },
	lookup: func(ctx context.Context, c *cloud.Clients, name string, _ map[string]string) (found, error) {
		out, err := c.Lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)})
		if isNotFound(err) {
			return found{}, nil
		}
		if err != nil {
			return found{}, err
		}
		arn := aws.ToString(out.Configuration.FunctionArn)
		return found{ID: arn, ARN: arn, OK: true}, nil
	},
	create: func(ctx context.Context, env *Env, rep Reporter, s functionSpec) (found, error) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, err := zw.Create("lambda_function.py")
		if err == nil {
			_, err = w.Write([]byte(gatewayFunctionCode))
		}
		if err == nil {
			err = zw.Close()
		}
		if err != nil {
			return found{}, fmt.Errorf("zip the function: %w", err)
		}
		var arn string
		err = retryWhileIAMPropagates(ctx, env, rep, func() error {
			rep.Log("CreateFunction %s (python3.13, lambda_function.lambda_handler)", s.name)
			out, err := env.Cloud.Lambda.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String(s.name),
				Runtime: lambdatypes.RuntimePython313, Role: aws.String(s.role), Handler: aws.String("lambda_function.lambda_handler"),
				Code: &lambdatypes.FunctionCode{ZipFile: buf.Bytes()}, Description: aws.String("agentcore-workshop gateway target; removed by its cleanup stage")})
			if err == nil {
				arn = aws.ToString(out.FunctionArn)
			}
			return err
		})
		if err != nil {
			return found{}, err
		}
		rep.Log("AddPermission AllowAgentCoreInvoke: %s may invoke %s", s.caller, s.name)
		if _, err := env.Cloud.Lambda.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String(s.name),
			StatementId: aws.String("AllowAgentCoreInvoke"), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String(s.caller)}); err != nil && errorCode(err) != "ResourceConflictException" {
			return found{}, fmt.Errorf("let the gateway invoke %s: %w", s.name, err)
		}
		return found{ID: arn, ARN: arn, OK: true}, nil
	},
	remove: func(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
		rep.Log("DeleteFunction %s", r.Name)
		_, err := env.Cloud.Lambda.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String(r.Name)})
		return gone(err)
	},
	leftovers: func(ctx context.Context, c *cloud.Clients, _ []session.Resource) ([]string, error) {
		p := lambda.NewListFunctionsPaginator(c.Lambda, &lambda.ListFunctionsInput{})
		return pageLines(ctx, "functions", p.HasMorePages, p.NextPage, func(o *lambda.ListFunctionsOutput) []string {
			return named("function", o.Functions, func(f lambdatypes.FunctionConfiguration) *string { return f.FunctionName })
		})
	},
}

// lambdaTrust lets Lambda assume the function's role (the toolkit's
// LAMBDA_TRUST_POLICY: Lambda sets no source-account key to match).
var lambdaTrust = mustJSON(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
	"Effect": "Allow", "Principal": map[string]any{"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}}})

// lambdaPolicy is what the function's role may do: write its logs (the
// toolkit attaches AWSLambdaBasicExecutionRole, which grants the same).
func lambdaPolicy(partition, region, account, function string) string {
	return mustJSON(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Sid": "Logs", "Effect": "Allow", "Action": []string{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"},
		"Resource": fmt.Sprintf("arn:%s:logs:%s:%s:log-group:/aws/lambda/%s:*", partition, region, account, function),
	}}})
}
