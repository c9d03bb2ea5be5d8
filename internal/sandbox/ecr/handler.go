package ecr

import (
	"net/http"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/model"
)

// TargetPrefix is ECR's X-Amz-Target prefix.
const TargetPrefix = "AmazonEC2ContainerRegistry_V20150921"

// Register routes ECR's awsJson1.1 calls to the service.
func (s *Service) Register(e *edge.Edge) {
	e.Register(edge.Route{Name: "ecr", Protocol: awswire.JSON11, TargetPrefix: TargetPrefix, SigningName: "ecr", Handler: http.HandlerFunc(s.serveHTTP)})
}

type repositoryJSON struct {
	RepositoryArn              string  `json:"repositoryArn"`
	RegistryID                 string  `json:"registryId"`
	RepositoryName             string  `json:"repositoryName"`
	RepositoryURI              string  `json:"repositoryUri"`
	CreatedAt                  float64 `json:"createdAt"`
	ImageTagMutability         string  `json:"imageTagMutability"`
	ImageScanningConfiguration struct {
		ScanOnPush bool `json:"scanOnPush"`
	} `json:"imageScanningConfiguration"`
	EncryptionConfiguration struct {
		EncryptionType string `json:"encryptionType"`
	} `json:"encryptionConfiguration"`
}

func (s *Service) repoJSON(r Repository) repositoryJSON {
	j := repositoryJSON{RepositoryArn: r.Arn, RegistryID: s.d.AccountID, RepositoryName: r.Name, RepositoryURI: r.URI,
		CreatedAt: awswire.Epoch(r.CreatedAt), ImageTagMutability: r.TagMutability}
	j.ImageScanningConfiguration.ScanOnPush = r.ScanOnPush
	j.EncryptionConfiguration.EncryptionType = "AES256"
	return j
}

type imageDetailJSON struct {
	RegistryID             string   `json:"registryId"`
	RepositoryName         string   `json:"repositoryName"`
	ImageDigest            string   `json:"imageDigest"`
	ImageTags              []string `json:"imageTags,omitempty"`
	ImageSizeInBytes       int64    `json:"imageSizeInBytes"`
	ImagePushedAt          float64  `json:"imagePushedAt"`
	ImageManifestMediaType string   `json:"imageManifestMediaType"`
	ArtifactMediaType      string   `json:"artifactMediaType"`
	ImageStatus            string   `json:"imageStatus"`
}

type tagFilter struct {
	TagStatus string `json:"tagStatus"`
}

func (f *tagFilter) status() string {
	if f == nil {
		return ""
	}
	return f.TagStatus
}

// api is ECR's awsJson1.1 wire. Each operation decodes its own input shape
// (already held to the model) and returns the output shape.
var api = &awswire.JSONAPI[*Service]{
	Prefix: TargetPrefix, Service: "ECR", Internal: "ServerException",
	Model: model.ECR, Invalid: "ValidationException",
	Ops: awswire.JSONOps[*Service]{
		"CreateRepository": func(s *Service, body []byte) (any, error) {
			var in struct {
				RepositoryName             string `json:"repositoryName"`
				ImageTagMutability         string `json:"imageTagMutability"`
				ImageScanningConfiguration *struct {
					ScanOnPush bool `json:"scanOnPush"`
				} `json:"imageScanningConfiguration"`
			}
			if err := awswire.DecodeJSON(body, &in); err != nil {
				return nil, err
			}
			scan := in.ImageScanningConfiguration != nil && in.ImageScanningConfiguration.ScanOnPush
			r, err := s.CreateRepository(in.RepositoryName, in.ImageTagMutability, scan)
			if err != nil {
				return nil, err
			}
			return repositoryResponse{s.repoJSON(r)}, nil
		},
		"DescribeRepositories": func(s *Service, body []byte) (any, error) {
			var in struct {
				RepositoryNames []string `json:"repositoryNames"`
			}
			if err := awswire.DecodeJSON(body, &in); err != nil {
				return nil, err
			}
			repos, err := s.DescribeRepositories(in.RepositoryNames)
			if err != nil {
				return nil, err
			}
			out := []repositoryJSON{}
			for _, r := range repos {
				out = append(out, s.repoJSON(r))
			}
			return struct {
				Repositories []repositoryJSON `json:"repositories"`
			}{out}, nil
		},
		"DeleteRepository": func(s *Service, body []byte) (any, error) {
			var in struct {
				RepositoryName string `json:"repositoryName"`
				Force          bool   `json:"force"`
			}
			if err := awswire.DecodeJSON(body, &in); err != nil {
				return nil, err
			}
			r, err := s.DeleteRepository(in.RepositoryName, in.Force)
			if err != nil {
				return nil, err
			}
			return repositoryResponse{s.repoJSON(r)}, nil
		},
		"DescribeImages": func(s *Service, body []byte) (any, error) {
			var in struct {
				RepositoryName string     `json:"repositoryName"`
				ImageIDs       []ImageID  `json:"imageIds"`
				Filter         *tagFilter `json:"filter"`
			}
			if err := awswire.DecodeJSON(body, &in); err != nil {
				return nil, err
			}
			images, err := s.DescribeImages(in.RepositoryName, in.ImageIDs, in.Filter.status())
			if err != nil {
				return nil, err
			}
			out := []imageDetailJSON{}
			for _, im := range images {
				out = append(out, imageDetailJSON{s.d.AccountID, in.RepositoryName, im.Digest, im.Tags, im.Size, awswire.Epoch(im.PushedAt), ManifestMediaType, "application/vnd.docker.container.image.v1+json", "ACTIVE"})
			}
			return struct {
				ImageDetails []imageDetailJSON `json:"imageDetails"`
			}{out}, nil
		},
		"ListImages": func(s *Service, body []byte) (any, error) {
			var in struct {
				RepositoryName string     `json:"repositoryName"`
				Filter         *tagFilter `json:"filter"`
			}
			if err := awswire.DecodeJSON(body, &in); err != nil {
				return nil, err
			}
			ids, err := s.ListImages(in.RepositoryName, in.Filter.status())
			if err != nil {
				return nil, err
			}
			return struct {
				ImageIDs []ImageID `json:"imageIds"`
			}{ids}, nil
		},
		"BatchDeleteImage": func(s *Service, body []byte) (any, error) {
			var in struct {
				RepositoryName string    `json:"repositoryName"`
				ImageIDs       []ImageID `json:"imageIds"`
			}
			if err := awswire.DecodeJSON(body, &in); err != nil {
				return nil, err
			}
			deleted, failures, err := s.BatchDeleteImage(in.RepositoryName, in.ImageIDs)
			if err != nil {
				return nil, err
			}
			return struct {
				ImageIDs []ImageID      `json:"imageIds"`
				Failures []ImageFailure `json:"failures"`
			}{deleted, failures}, nil
		},
	}}

func (s *Service) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if _, ok := edge.RequireSigned(w, r, awswire.JSON11); !ok {
		return
	}
	api.Serve(w, r, s)
}

// repositoryResponse is CreateRepository's and DeleteRepository's output.
type repositoryResponse struct {
	Repository repositoryJSON `json:"repository"`
}
